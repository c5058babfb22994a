/**
 * The status page's planned work: "Maintenance in progress" and "Scheduled maintenance", from summary.json's
 * scheduled_maintenances (src/server/maintenance-json.ts). Each window's title and services as text (React
 * escapes them: a title is whatever an editor typed), its start and end in the reader's time zone and in UTC.
 */
import type { StatusSummary } from "./api.js";
import { Badge, clock } from "./ui.js";

type Maintenance = StatusSummary["scheduled_maintenances"][number];

/** "Thu, 3 Dec, 09:00 GMT+1" in the browser's own zone (the UTC one follows it). */
function local(isoTime: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(isoTime));
}

function When({ label, at }: { label: string; at: string }) {
  return (
    <>
      {label} <time dateTime={at}>{local(at)}</time> <span className="muted">({clock(at)})</span>
    </>
  );
}

function Window({ m }: { m: Maintenance }) {
  return (
    <li id={`maintenance-${m.id}`} className="card" data-testid="maintenance">
      <h3>
        {m.name}{" "}
        <Badge
          status={m.status === "in_progress" ? "degraded" : "unknown"}
          label={m.status === "in_progress" ? "in progress" : "scheduled"}
        />
      </h3>
      <p>
        <When label="From" at={m.scheduled_for} />
        <br />
        <When label="Until" at={m.scheduled_until} />
      </p>
      {m.components.length > 0 ? <p>Affected: {m.components.map((c) => c.name).join(", ")}.</p> : null}
    </li>
  );
}

/** Both sections, each only when it has a window. */
export function StatusMaintenance({ list }: { list: readonly Maintenance[] }) {
  const active = list.filter((m) => m.status === "in_progress");
  const upcoming = list.filter((m) => m.status === "scheduled");
  return (
    <>
      {active.length > 0 ? (
        <section aria-labelledby="maintenance-active">
          <h2 id="maintenance-active">Maintenance in progress</h2>
          <ul className="status-incidents">
            {active.map((m) => (
              <Window key={m.id} m={m} />
            ))}
          </ul>
        </section>
      ) : null}
      {upcoming.length > 0 ? (
        <section aria-labelledby="maintenance-upcoming">
          <h2 id="maintenance-upcoming">Scheduled maintenance</h2>
          <ul className="status-incidents">
            {upcoming.map((m) => (
              <Window key={m.id} m={m} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
