/**
 * One incident as a timeline: the first symptoms, each affected service as it joined (its first failing check
 * around the incident), the opening, each change of the ranked hypotheses with confidences, the
 * acknowledgement and the resolution, and the updates people wrote, interleaved by time and marked who
 * wrote which (the localizer, the checks, or a person), with the form for posting one. The URL is the
 * permalink.
 */
import { useState } from "react";
import { api, type IncidentDetail, type Observation } from "./api.js";
import { EpicenterView } from "./epicenter-view.js";
import { IncidentChart } from "./incident-chart.js";
import type { ObservedComponent } from "./incident-chart-layout.js";
import { IncidentUpdateForm } from "./incident-update-form.js";
import { componentPath } from "./router.js";
import { clock, duration, Link, Problem, percent, useLoad } from "./ui.js";
import { VendorLine } from "./vendor-line.js";

type Entry =
  | { at: number; kind: "joined"; component: string; vantage: string; errorClass: string | null }
  | { at: number; kind: "opened" }
  | { at: number; kind: "resolved" }
  | { at: number; kind: "acknowledged"; by: string | null }
  | { at: number; kind: "ranking"; epicenter: IncidentDetail["epicenter"]; first: boolean }
  | { at: number; kind: "update"; update: IncidentDetail["updates"][number] };

/** How far before the opening the first symptoms are looked for. */
const LOOKBACK_MS = 10 * 60_000;
/** Affected services whose first failing check is looked up (each one query). */
const JOIN_LOOKUPS = 30;

interface Loaded {
  incident: IncidentDetail;
  entries: Entry[];
  /** The looked-up components' observations in the window, which the chart counts failing over time. */
  observed: ObservedComponent[];
  from: number;
  to: number;
}

async function loadIncident(id: string): Promise<Loaded> {
  const { incident } = await api<{ incident: IncidentDetail }>(`/api/v1/incidents/${encodeURIComponent(id)}`);
  const opened = Date.parse(incident.openedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : Date.now();
  const entries: Entry[] = [{ at: opened, kind: "opened" }];
  for (const [i, h] of incident.history.entries())
    entries.push({ at: Date.parse(h.at), kind: "ranking", epicenter: h.epicenter, first: i === 0 });
  if (incident.acknowledgedAt)
    entries.push({
      at: Date.parse(incident.acknowledgedAt),
      kind: "acknowledged",
      by: incident.acknowledgedBy,
    });
  if (incident.resolvedAt) entries.push({ at: Date.parse(incident.resolvedAt), kind: "resolved" });
  for (const update of incident.updates) entries.push({ at: Date.parse(update.at), kind: "update", update });
  const observed: ObservedComponent[] = [];
  const joined = await Promise.all(
    [...new Set([...incident.affected, ...incident.epicenter.map((e) => e.component)])]
      .slice(0, JOIN_LOOKUPS)
      .map(async (component) => {
        const q = new URLSearchParams({
          component,
          from: String(opened - LOOKBACK_MS),
          to: String(end + 1),
          limit: "10000",
        });
        const { observations } = await api<{ observations: Observation[] }>(`/api/v1/observations?${q}`);
        if (observations.length > 0)
          observed.push({
            component,
            observations: observations.map((o) => ({
              at: Date.parse(o.at),
              vantage: o.vantage,
              status: o.status,
            })),
          });
        // Newest first: the earliest failing one is the last in the list.
        const first = observations.findLast((o) => o.status !== "up");
        return first
          ? ({
              at: Date.parse(first.at),
              kind: "joined",
              component,
              vantage: first.vantage,
              errorClass: first.errorClass,
            } as Entry)
          : null;
      }),
  );
  for (const j of joined) if (j) entries.push(j);
  entries.sort((a, b) => a.at - b.at);
  // The chart spans the first symptom (or the opening) to the end, with a little room before.
  const first = Math.min(opened, entries[0]?.at ?? opened);
  return { incident, entries, observed, from: first - Math.max(10_000, (end - first) / 20), to: end };
}

function Ranking({ epicenter }: { epicenter: IncidentDetail["epicenter"] }) {
  return (
    <ol className="ranking">
      {epicenter.map((e) => (
        <li key={e.component}>
          <Link href={componentPath(e.component)}>{e.component}</Link>{" "}
          <span className="confidence">{percent(e.confidence)}</span>
          <span className="bar" aria-hidden="true">
            <span className="bar-fill" style={{ width: percent(e.confidence) }} />
          </span>
        </li>
      ))}
    </ol>
  );
}

export function IncidentPage({ id }: { id: string }) {
  const loaded = useLoad(`incident:${id}`, () => loadIncident(id));
  const [copied, setCopied] = useState(false);
  const d = loaded.data;
  const firstSymptom = d?.entries.find((e) => e.kind === "joined");
  const suspected = new Set(d?.incident.suspected ?? []);
  return (
    <section aria-labelledby="incident-title">
      <h1 id="incident-title">Incident {id}</h1>
      <Problem error={loaded.error} />
      {!d ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p>
            {d.incident.resolvedAt
              ? `Resolved after ${duration(Date.parse(d.incident.resolvedAt) - Date.parse(d.incident.openedAt))}.`
              : `Open for ${duration(Date.now() - Date.parse(d.incident.openedAt))}.`}{" "}
            {d.incident.affected.length} components affected.{" "}
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(location.href).then(() => setCopied(true));
              }}
            >
              Copy permalink
            </button>{" "}
            <a href={location.pathname}>{location.origin + location.pathname}</a>
            {copied ? " (copied)" : ""}
          </p>
          {d.incident.maintenance.length > 0 ? (
            <p data-testid="incident-maintenance">
              It opened during planned maintenance:{" "}
              {d.incident.maintenance.map((m, i) => (
                <span key={m.id}>
                  {i > 0 ? ", " : ""}
                  <strong>{m.title}</strong>
                </span>
              ))}
              .
            </p>
          ) : null}
          {d.incident.humanStatus ? (
            <p data-testid="human-status">
              The team says: <strong>{d.incident.humanStatus}</strong>
              {d.incident.humanStatus === "resolved" && !d.incident.resolvedAt
                ? " (the checks have not recovered yet: the incident stays open)"
                : ""}
              .
            </p>
          ) : null}
          <h2>Named cause now</h2>
          <VendorLine vendor={d.incident.vendor} />
          <Ranking epicenter={d.incident.epicenter} />
          {d.incident.resolvedAt ? null : <EpicenterView incident={d.incident} />}
          <h2>Timeline</h2>
          <IncidentChart
            components={d.observed}
            history={d.incident.history.map((h) => ({ at: Date.parse(h.at), epicenter: h.epicenter }))}
            openedAt={Date.parse(d.incident.openedAt)}
            resolvedAt={d.incident.resolvedAt ? Date.parse(d.incident.resolvedAt) : null}
            from={d.from}
            to={d.to}
            followed={Math.min(JOIN_LOOKUPS, d.incident.affected.length)}
            affected={d.incident.affected.length}
          />
          <ol className="timeline" data-testid="timeline">
            {d.entries.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: entries are rebuilt whole; two may share kind and time
              <li key={`${e.kind}-${e.at}-${i}`} className={`t-${e.kind}`}>
                <time dateTime={new Date(e.at).toISOString()}>{clock(new Date(e.at).toISOString())}</time>{" "}
                <span
                  className={`who who-${e.kind === "update" || e.kind === "acknowledged" ? "person" : e.kind === "joined" ? "checks" : "localizer"}`}
                >
                  {e.kind === "update"
                    ? `Person: ${e.update.author}`
                    : e.kind === "acknowledged"
                      ? "Person"
                      : e.kind === "joined"
                        ? "Checks"
                        : "Localizer"}
                </span>{" "}
                {e.kind === "update" ? (
                  <>
                    <strong className="update-status">{e.update.status}</strong>
                    {e.update.public ? " (public)" : " (team only)"}:{" "}
                    <span className="update-message">{e.update.message}</span>
                  </>
                ) : e.kind === "joined" ? (
                  <>
                    {e === firstSymptom ? <strong>First symptoms: </strong> : null}
                    <Link href={componentPath(e.component)}>{e.component}</Link> failing from {e.vantage}
                    {e.errorClass ? ` (${e.errorClass})` : ""}
                  </>
                ) : e.kind === "opened" ? (
                  <strong>Incident opened</strong>
                ) : e.kind === "resolved" ? (
                  <strong>Resolved</strong>
                ) : e.kind === "acknowledged" ? (
                  <>Acknowledged by {e.by ?? "someone"}</>
                ) : (
                  <>
                    <span className="hypotheses">{e.first ? "First hypotheses" : "Hypotheses changed"}</span>
                    <Ranking epicenter={e.epicenter} />
                  </>
                )}
              </li>
            ))}
          </ol>
          <IncidentUpdateForm id={id} onPosted={loaded.reload} />
          <h2>Affected ({d.incident.affected.length})</h2>
          <ul className="related">
            {d.incident.affected.map((a) => (
              <li key={a}>
                <Link href={componentPath(a)}>{a}</Link>
                {suspected.has(a) ? (
                  <>
                    {" "}
                    <span className="badge suspected-note" data-testid="suspected-note">
                      affected, probably through a dependency the model lacks
                    </span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {suspected.size > 0 ? (
            <p className="legend">
              {suspected.size === 1 ? "One component" : `${suspected.size} components`} failed with{" "}
              {d.incident.epicenter[0]?.component ?? "the cause"} without a path to it in the model; see{" "}
              <code>epicenter model suggest</code> to add the dependency.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
