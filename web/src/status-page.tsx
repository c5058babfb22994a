/**
 * The public status page (/status): no login, read-only, from the same Statuspage-format JSON other tools read
 * (/status/api/v2/summary.json and incidents.json): the overall state, services by group, recent incidents in
 * plain words, maintenance in progress and scheduled (status-maintenance.tsx), and the Atom and RSS feeds of
 * them (linked in the head, where feed readers look, and visibly);
 * under each service its last 90 days as bars (uptime-bars.tsx, from /status/api/v2/uptime.json).
 */
import { api, type StatusIncidents, type StatusSummary } from "./api.js";
import { StatusMaintenance } from "./status-maintenance.js";
import { StatusUpdates } from "./status-updates.js";
import { SubscribeForm } from "./subscribe-form.js";
import { Badge, clock, Problem, useLoad, useTick } from "./ui.js";
import { type StatusUptime, UptimeBars } from "./uptime-bars.js";

interface StatusData {
  summary: StatusSummary;
  incidents: StatusIncidents["incidents"];
  uptime: StatusUptime;
}

const WORDS: Record<string, [string, string]> = {
  operational: ["up", "Operational"],
  degraded_performance: ["degraded", "Degraded performance"],
  partial_outage: ["partial", "Partial outage"],
  major_outage: ["down", "Major outage"],
  under_maintenance: ["degraded", "Under maintenance"],
};

const INDICATOR: Record<string, string> = {
  none: "up",
  minor: "degraded",
  major: "partial",
  critical: "down",
};

async function loadStatus(): Promise<StatusData> {
  const [summary, { incidents }, uptime] = await Promise.all([
    api<StatusSummary>("/status/api/v2/summary.json", { token: null }),
    api<StatusIncidents>("/status/api/v2/incidents.json", { token: null }),
    api<StatusUptime>("/status/api/v2/uptime.json", { token: null }),
  ]);
  return { summary, incidents, uptime };
}

/** A group's state (its rule's, from summary.json) in the page's words. */
function GroupBadge({ status }: { status: string }) {
  const [badge, words] = WORDS[status] ?? ["unknown", status];
  return <Badge status={badge} label={words} />;
}

export function StatusPage() {
  const tick = useTick(30_000);
  const loaded = useLoad(`status:${Math.floor(tick / 30_000)}`, loadStatus);
  const d = loaded.data;
  return (
    <section aria-labelledby="status-title" className="status-page">
      {/* React puts these in the document's head. */}
      <link
        rel="alternate"
        type="application/atom+xml"
        title="Status incidents (Atom)"
        href="/status/feed.atom"
      />
      <link
        rel="alternate"
        type="application/rss+xml"
        title="Status incidents (RSS)"
        href="/status/feed.rss"
      />
      <h1 id="status-title">Status</h1>
      <Problem error={loaded.error} />
      {!d ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p
            className={`banner s-${INDICATOR[d.summary.status.indicator] ?? "unknown"}`}
            data-testid="status-banner"
          >
            {d.summary.status.description}
          </p>
          <StatusMaintenance list={d.summary.scheduled_maintenances} />
          {d.summary.components
            .filter((c) => c.group)
            .map((g) => (
              <details key={g.id} className="card status-group" open data-testid="status-group">
                <summary>
                  <h2>{g.name}</h2> <GroupBadge status={g.status} />
                </summary>
                <ul className="status-list">
                  {d.summary.components
                    .filter((c) => c.group_id === g.id)
                    .map((c) => {
                      const [badge, words] = WORDS[c.status] ?? ["unknown", c.status];
                      const history = d.uptime.components.find((u) => u.id === c.id);
                      return (
                        <li key={c.id}>
                          <span>{c.name}</span> <Badge status={badge} label={words} />
                          {history ? (
                            <UptimeBars name={c.name} uptime={history.uptime} days={history.days} />
                          ) : null}
                        </li>
                      );
                    })}
                </ul>
              </details>
            ))}
          <h2>Recent incidents</h2>
          {d.incidents.length === 0 ? (
            <p>No incidents recently.</p>
          ) : (
            <ul className="status-incidents">
              {d.incidents.map((i) => (
                <li key={i.id} id={`incident-${i.id}`} className="card">
                  <h3>
                    {i.name}{" "}
                    <Badge
                      status={i.resolved_at ? "up" : "down"}
                      label={i.resolved_at ? "resolved" : i.status}
                    />
                  </h3>
                  <p>
                    Started {clock(i.created_at)}
                    {i.resolved_at ? `, resolved ${clock(i.resolved_at)}` : ""}.{" "}
                    {i.components.length > 0
                      ? `Affected: ${i.components.map((c) => c.name).join(", ")}.`
                      : ""}
                  </p>
                  <p>{i.incident_updates[0]?.body}</p>
                  <StatusUpdates updates={i.incident_updates} />
                </li>
              ))}
            </ul>
          )}
          <p className="muted" data-testid="status-feeds">
            Updated {clock(d.summary.page.updated_at)}. Follow incidents:{" "}
            <a href="/status/feed.atom">Atom feed</a>
            {" · "}
            <a href="/status/feed.rss">RSS feed</a>. Machine-readable: /status/api/v2/summary.json
          </p>
          <SubscribeForm
            services={d.summary.components.filter((c) => !c.group).map((c) => ({ id: c.id, name: c.name }))}
          />
        </>
      )}
    </section>
  );
}
