/**
 * SLA report: availability per observed component over a chosen window (GET /api/v1/reports/sla), hours no
 * vantage saw shown as unknown beside it, excluded maintenance and the incidents that cost it; a table to
 * paste, and the same as CSV. The URL keeps the window (?from=2026-11-01&to=2026-12-01).
 */
import { useState } from "react";
import { api } from "./api.js";
import { componentPath, incidentPath, navigate, useLocation } from "./router.js";
import { Link, Problem, useLoad } from "./ui.js";

/** The answer of GET /api/v1/reports/sla (src/server/sla-routes.ts, slaResponse). */
interface SlaAnswer {
  from: string;
  to: string;
  excluded: {
    id: string | null;
    title: string | null;
    from: string;
    to: string;
    components: string[] | null;
  }[];
  components: {
    id: string;
    name: string;
    availability: number | null;
    hours: number;
    seenHours: number;
    upHours: number;
    unknownHours: number;
    excludedHours: number;
    downMinutes: number;
    incidents: { id: string; title: string; openedAt: string; resolvedAt: string | null; minutes: number }[];
  }[];
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last full calendar month (UTC), the usual SLA period. */
function lastMonth(now = Date.now()): { from: string; to: string } {
  const d = new Date(now);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const from = Date.UTC(new Date(to - DAY_MS).getUTCFullYear(), new Date(to - DAY_MS).getUTCMonth(), 1);
  return { from: isoDay(from), to: isoDay(to) };
}

/** "99.95%", never rounded up (as the CLI and the status page write it); unknown when nothing was seen. */
function availability(a: number | null): string {
  if (a === null) return "unknown";
  if (a >= 1) return "100%";
  return `${(Math.floor(a * 10_000) / 100).toFixed(2)}%`;
}

const hours = (h: number) => `${Number(h.toFixed(2))} h`;
const minutes = (m: number) =>
  m >= 60
    ? `${Math.floor(m / 60)} h ${String(Math.round(m % 60)).padStart(2, "0")} min`
    : `${Math.round(m)} min`;
const when = (iso: string) => iso.slice(0, 16).replace("T", " ");

function csv(report: SlaAnswer): string {
  const field = (v: string | number | null) => {
    const t = v === null ? "" : String(v);
    return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const rows: (string | number | null)[][] = [
    [
      "component",
      "name",
      "availability_percent",
      "seen_hours",
      "unknown_hours",
      "excluded_hours",
      "down_minutes",
      "incidents",
    ],
    ...report.components.map((c) => [
      c.id,
      c.name,
      c.availability === null ? null : Number((c.availability * 100).toFixed(4)),
      Number(c.seenHours.toFixed(4)),
      Number(c.unknownHours.toFixed(4)),
      c.excludedHours,
      c.downMinutes,
      c.incidents.map((i) => i.id).join(" "),
    ]),
  ];
  return rows.map((r) => r.map(field).join(",")).join("\n");
}

export function SlaPage() {
  const { search } = useLocation();
  const fallback = lastMonth();
  const from = search.get("from") ?? fallback.from;
  const to = search.get("to") ?? fallback.to;
  const [draft, setDraft] = useState({ from, to });
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const { data, error } = useLoad(query, () => api<SlaAnswer>(`/api/v1/reports/sla?${query}`));
  const hit = data?.components.filter((c) => c.incidents.length > 0) ?? [];
  return (
    <>
      <h1>SLA report</h1>
      <form
        className="sla-window"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/reports/sla?from=${encodeURIComponent(draft.from)}&to=${encodeURIComponent(draft.to)}`);
        }}
      >
        <label>
          From (UTC){" "}
          <input
            type="text"
            placeholder="2026-11-01"
            spellCheck={false}
            value={draft.from}
            required
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          To, exclusive (UTC){" "}
          <input
            type="text"
            placeholder="2026-11-01"
            spellCheck={false}
            value={draft.to}
            required
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        <button type="submit">Show</button>
      </form>
      <p>
        Availability is up time over the time some vantage saw. Hours no vantage saw are <em>unknown</em>:
        counted neither up nor down. A component's own maintenance is excluded.
      </p>
      <Problem error={error} />
      {data === null && error === null ? <p aria-busy="true">Loading…</p> : null}
      {data ? (
        <>
          <div className="table-scroll">
            <table className="sla">
              <caption>
                {when(data.from)} to {when(data.to)} UTC
              </caption>
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Availability</th>
                  <th scope="col">Downtime</th>
                  <th scope="col">Seen</th>
                  <th scope="col">Unknown</th>
                  <th scope="col">Excluded</th>
                  <th scope="col">Incidents</th>
                </tr>
              </thead>
              <tbody>
                {data.components.map((c) => (
                  <tr key={c.id} data-id={c.id}>
                    <th scope="row">
                      <Link href={componentPath(c.id)}>{c.name}</Link>
                    </th>
                    <td>{availability(c.availability)}</td>
                    <td>{minutes(c.downMinutes)}</td>
                    <td>{hours(c.seenHours)}</td>
                    <td>{hours(c.unknownHours)}</td>
                    <td>{hours(c.excludedHours)}</td>
                    <td>{c.incidents.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {hit.length > 0 ? (
            <>
              <h2>Incidents that cost it</h2>
              <ul className="related">
                {hit.flatMap((c) =>
                  c.incidents.map((i) => (
                    <li key={`${c.id} ${i.id}`}>
                      {c.name}: <Link href={incidentPath(i.id)}>{i.title}</Link>, {when(i.openedAt)} to{" "}
                      {i.resolvedAt === null ? "now" : when(i.resolvedAt)} ({minutes(i.minutes)} in the
                      window)
                    </li>
                  )),
                )}
              </ul>
            </>
          ) : null}
          {data.excluded.length > 0 ? (
            <>
              <h2>Maintenance excluded</h2>
              <ul className="related">
                {data.excluded.map((x) => (
                  <li key={`${x.id} ${x.from}`}>
                    {x.title ?? "Maintenance"}: {when(x.from)} to {when(x.to)} (
                    {x.components === null ? "every component" : x.components.join(", ")})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <details>
            <summary>As CSV</summary>
            <textarea
              style={{ width: "100%" }}
              readOnly
              rows={Math.min(12, data.components.length + 2)}
              aria-label="The report as CSV"
              value={csv(data)}
            />
          </details>
        </>
      ) : null}
    </>
  );
}
