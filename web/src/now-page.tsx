/**
 * Now: the open incidents first, each an epicenter card (cause, confidence, how long, services hit, runners-up,
 * and the epicenter view: the cause in the middle, its blast radius in rings),
 * then every monitored service with its state from each vantage, under its group (the group's state by its
 * rule, collapsible), one page of 100 at a time, worst group first, worst first within. It
 * reads the server's summary (never raw observations) and refreshes on each live event.
 */
import { useEffect, useRef, useState } from "react";
import { api, openStream, type Summary, type SummaryIncident } from "./api.js";
import { loadBlast, NO_BLAST, namedCauses, shownState } from "./beliefs.js";
import { EpicenterView } from "./epicenter-view.js";
import { componentPath, incidentPath } from "./router.js";
import { Badge, duration, Link, Problem, percent, StateBadge, useLoad, useTick } from "./ui.js";

const PAGE = 100;

export function IncidentCard({ incident, now }: { incident: SummaryIncident; now: number }) {
  const [top, ...rest] = incident.epicenter;
  const since = now - Date.parse(incident.openedAt);
  return (
    <article className="card incident" aria-label={`Incident ${incident.id}`}>
      <h3>
        <span className="quake" aria-hidden="true">
          ◉
        </span>{" "}
        {incident.vantage ? "Our own vantage is blind: " : "Epicenter: "}
        {top ? <Link href={componentPath(top.component)}>{top.component}</Link> : "unknown"}
        {top ? <span className="confidence"> {percent(top.confidence)} confidence</span> : null}
      </h3>
      <p>
        Open for <strong>{duration(since)}</strong>
        {incident.servicesHit !== undefined ? (
          <>
            {" · "}
            <strong>{incident.servicesHit}</strong> of your services affected
          </>
        ) : null}
        {incident.acknowledgedBy ? ` · acknowledged by ${incident.acknowledgedBy}` : ""}
      </p>
      {rest.length > 0 ? (
        <p className="runners-up">
          Also possible:{" "}
          {rest.map((r, i) => (
            <span key={r.component}>
              {i > 0 ? ", " : ""}
              <Link href={componentPath(r.component)}>{r.component}</Link> {percent(r.confidence)}
            </span>
          ))}
        </p>
      ) : null}
      <p>
        <Link href={incidentPath(incident.id)}>Timeline of {incident.id} →</Link>
      </p>
      <EpicenterView incident={incident} />
    </article>
  );
}

type Group = Summary["groups"][number];

/** When the group counts as down, in words. */
function ruleWords(g: Group): string {
  if (g.rule === "all") return "down when all are";
  if (g.rule === "atLeast") return `down when ${g.k} are`;
  return "down when any is";
}

/** This page's services under their groups, in the order the server sorted them (by group). */
function pageGroups(data: Summary): { group: Group; items: Summary["services"]["items"] }[] {
  const out: { group: Group; items: Summary["services"]["items"] }[] = [];
  const byName = new Map(data.groups.map((g) => [g.name, g]));
  for (const s of data.services.items) {
    const last = out.at(-1);
    if (last && last.group.name === s.group) last.items.push(s);
    else {
      const group = byName.get(s.group) ?? { name: s.group, status: s.status, rule: "any", services: 1 };
      out.push({ group, items: [s] });
    }
  }
  return out;
}

export function NowPage() {
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState("");
  const [impairedOnly, setImpairedOnly] = useState(false);
  // By group (worst group first), so a page shows whole groups under their headers.
  const params = new URLSearchParams({ offset: String(offset), limit: String(PAGE), order: "group" });
  if (q) params.set("q", q);
  if (impairedOnly) params.set("status", "impaired");
  const url = `/api/v1/summary?${params}`;
  const summary = useLoad(url, () => api<Summary>(url));
  const now = useTick(10_000);

  // Live: any event refreshes the summary, at most once a second; a slow poll covers a dropped stream.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { reload } = summary;
  useEffect(() => {
    const close = openStream(() => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        reload();
      }, 1000);
    });
    const poll = setInterval(reload, 15_000);
    return () => {
      close();
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [reload]);

  const data = summary.data;
  // What the localizer believes of each service beside what its vantages saw: the named causes' blast radius.
  const causes = data ? namedCauses(data.incidents) : [];
  const blastLoad = useLoad(`blast:${causes.join(" ")}`, () => loadBlast(causes));
  const blast = blastLoad.data ?? NO_BLAST;
  const impaired = data ? data.counts.down + data.counts.partial + data.counts.degraded : 0;
  return (
    <section aria-labelledby="now-title">
      <h1 id="now-title">Now</h1>
      <Problem error={summary.error} />
      {!data ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          {data.incidents.length === 0 ? (
            <p className="all-clear" data-testid="all-clear">
              {impaired === 0
                ? `Nothing is wrong: all ${data.counts.services} services look fine from ${data.vantages.length} vantages.`
                : `No incident is open; ${impaired} of ${data.counts.services} services look impaired from some vantage.`}
            </p>
          ) : (
            <div className="incidents" data-testid="incidents">
              <h2>
                {data.incidents.length} open incident{data.incidents.length === 1 ? "" : "s"}
              </h2>
              {data.incidents.map((i) => (
                <IncidentCard key={i.id} incident={i} now={now} />
              ))}
            </div>
          )}
          <h2>Services</h2>
          <p className="counts">
            {data.counts.services} monitored: <Badge status="down" label={`${data.counts.down} down`} />{" "}
            <Badge status="partial" label={`${data.counts.partial} partly down`} />{" "}
            <Badge status="degraded" label={`${data.counts.degraded} degraded`} />{" "}
            <Badge status="up" label={`${data.counts.up} up`} />
            {data.counts.unknown > 0 ? (
              <>
                {" "}
                <Badge status="unknown" label={`${data.counts.unknown} not checked yet`} />
              </>
            ) : null}
          </p>
          <div className="toolbar">
            <label>
              Find{" "}
              <input
                type="search"
                value={q}
                placeholder="id or name"
                onChange={(e) => {
                  setQ(e.target.value);
                  setOffset(0);
                }}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={impairedOnly}
                onChange={(e) => {
                  setImpairedOnly(e.target.checked);
                  setOffset(0);
                }}
              />{" "}
              impaired only
            </label>
          </div>
          <div className="service-groups" data-testid="services">
            {pageGroups(data).map(({ group, items }) => (
              <details key={group.name} className="service-group" open data-testid="service-group">
                <summary>
                  <h3>{group.name}</h3> <Badge status={group.status} />{" "}
                  <span className="muted">
                    {group.services} service{group.services === 1 ? "" : "s"}, {ruleWords(group)}
                  </span>
                </summary>
                <ul className="services">
                  {items.map((s) => (
                    <li key={s.id} className={`service s-${s.status}`}>
                      <StateBadge
                        shown={shownState(
                          s.id,
                          true,
                          {
                            component: s.id,
                            observed: s.observed,
                            belief: s.belief,
                            incidentId: s.incidentId,
                          },
                          blast,
                        )}
                      />
                      <Link href={componentPath(s.id)} className="service-name">
                        {s.name ? `${s.name} ` : ""}
                        <code>{s.id}</code>
                      </Link>
                      <span className="vantages">
                        {s.observed.map((o) => (
                          <span
                            key={o.vantage}
                            className={`chip s-${o.status}`}
                            title={`${o.vantage}: ${o.status}${o.errorClass ? ` (${o.errorClass})` : ""}`}
                          >
                            {o.vantage.replace(/^.*\//, "")}: {o.status}
                            {o.errorClass ? ` · ${o.errorClass}` : ""}
                          </span>
                        ))}
                      </span>
                    </li>
                  ))}
                </ul>
              </details>
            ))}
          </div>
          <nav className="pager" aria-label="Pages of services">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              ← Previous
            </button>
            <span>
              {data.services.total === 0
                ? "no services match"
                : `${offset + 1}–${Math.min(offset + PAGE, data.services.total)} of ${data.services.total}`}
            </span>
            <button
              type="button"
              disabled={offset + PAGE >= data.services.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next →
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
