/**
 * A service's last 90 days on the status page, one bar a UTC day from /status/api/v2/uptime.json: coloured
 * by its uptime, a day no vantage saw drawn as a short faint bar and called unknown (never up).
 * Hovering a bar, or moving along them with the arrow keys (the bars are one slider, one Tab stop for 90
 * days), shows the day's uptime and incidents in words; the slider's value text says the same to screen
 * readers, and a summary line gives the whole period.
 */
import { type KeyboardEvent, type MouseEvent, useState } from "react";
import type * as z from "zod";
import type * as statusContract from "../../src/server/status-responses.js";

export type StatusUptime = z.output<typeof statusContract.statusUptimeResponse>;
type Day = StatusUptime["components"][number]["days"][number];

/** The badge's thresholds (src/server/status-badges.ts), so a bar and a badge agree. */
function level(uptime: number | null): string {
  if (uptime === null) return "unknown";
  if (uptime >= 0.999) return "up";
  if (uptime >= 0.99) return "degraded";
  if (uptime >= 0.95) return "partial";
  return "down";
}

/** As the badges write it: never rounded up to 100%. */
function percent(uptime: number): string {
  return uptime >= 1 ? "100%" : `${(Math.floor(uptime * 10_000) / 100).toFixed(2)}%`;
}

const dayName = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    year: "numeric",
  });

/** One day in words: "Nov 17, 2026: 85.71% up (seen 14 of 24 hours); incident: AWS … is likely failing". */
export function dayWords(day: Day): string {
  const seen =
    day.uptime === null
      ? "unknown, no vantage could see it"
      : `${percent(day.uptime)} up${day.seen_hours < 24 ? ` (seen ${day.seen_hours} of 24 hours)` : ""}`;
  const incidents =
    day.incidents.length === 0
      ? "no incidents"
      : `${day.incidents.length === 1 ? "incident" : `${day.incidents.length} incidents`}: ${day.incidents.map((i) => i.name).join("; ")}`;
  return `${dayName(day.date)}: ${seen}; ${incidents}`;
}

export function UptimeBars({ name, uptime, days }: { name: string; uptime: number | null; days: Day[] }) {
  const [selected, setSelected] = useState(days.length - 1);
  const day = days[selected];
  if (!day) return null;
  const unknown = days.filter((d) => d.uptime === null).length;
  const move = (e: KeyboardEvent) => {
    const to = { ArrowLeft: selected - 1, ArrowRight: selected + 1, Home: 0, End: days.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setSelected(Math.max(0, Math.min(days.length - 1, to)));
  };
  // The pointer over a bar selects its day (one handler on the slider, not one on each of 90 bars).
  const hover = (e: MouseEvent) => {
    const index = (e.target as HTMLElement).dataset.index;
    if (index !== undefined) setSelected(Number(index));
  };
  return (
    <div className="uptime" data-testid="uptime">
      <div
        className="uptime-bars"
        role="slider"
        tabIndex={0}
        aria-label={`${name}, daily uptime of the last ${days.length} days`}
        aria-valuemin={1}
        aria-valuemax={days.length}
        aria-valuenow={selected + 1}
        aria-valuetext={dayWords(day)}
        onKeyDown={move}
        onMouseMove={hover}
      >
        {days.map((d, i) => (
          <span
            key={d.date}
            className={`uptime-bar s-${level(d.uptime)}${i === selected ? " selected" : ""}`}
            data-date={d.date}
            data-index={i}
          />
        ))}
      </div>
      <p className="uptime-day" data-testid="uptime-day">
        {dayWords(day)}
      </p>
      <p className="muted uptime-summary">
        {uptime === null ? "Uptime unknown" : `${percent(uptime)} uptime`} over {days.length} days
        {unknown > 0
          ? ` (${unknown} ${unknown === 1 ? "day" : "days"} no vantage could see, not counted)`
          : ""}
      </p>
    </div>
  );
}
