/**
 * The `maintenance:` list of epicenter.yaml: planned work, during which incidents of the components named
 * notify no one. One-off windows give `start` and `end`; recurring ones an RRULE, a local `start` (the first
 * occurrence), a `timeZone` and a `duration`:
 *
 *   maintenance:
 *     - { id: db-upgrade, title: Database upgrade, components: [acme/db],
 *         start: "2026-12-05T02:00:00+01:00", end: "2026-12-05T04:00:00+01:00" }
 *     - { id: sunday-patch, title: Sunday patching, components: [acme/api, acme/web],
 *         rrule: "FREQ=WEEKLY;BYDAY=SU", start: "2026-12-06T03:00", timeZone: Europe/Berlin, duration: 2h }
 */
import * as z from "zod";
import { idSchema } from "./component-schema.js";
import { DURATION_RULE, parseDuration } from "./duration.js";
import {
  isTimeZone,
  MAX_RECURRING_MS,
  type MaintenanceSpec,
  rruleProblem,
  zonedToUtc,
} from "./maintenance-schedule.js";

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;

/** `2026-12-05T02:00:00+01:00` as epoch ms, `2026-12-06T03:00` (no offset) as a wall time read as UTC. */
function readTime(text: string): { ms: number; local: boolean } | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (new Date(wall).toISOString().slice(0, 16) !== text.slice(0, 16)) return null;
  if (!m[7]) return { ms: wall, local: true };
  if (m[7] === "Z") return { ms: wall, local: false };
  const sign = m[7][0] === "-" ? -1 : 1;
  const offset = sign * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6))) * 60_000;
  return { ms: wall - offset, local: false };
}

const TIME_RULE = "an ISO 8601 time like 2026-12-05T02:00:00+01:00 (or 2026-12-06T03:00 with timeZone)";

export const maintenanceEntrySchema = z
  .strictObject({
    /** Unique among windows; names the window in the API and on the status page. */
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: "maintenance ids use [A-Za-z0-9._-]" }),
    title: z.string().min(1),
    components: z.array(idSchema).min(1),
    start: z.string(),
    end: z.string().optional(),
    rrule: z.string().optional(),
    duration: z.union([z.string(), z.number()]).optional(),
    timeZone: z.string().optional(),
  })
  .transform((input, ctx): MaintenanceSpec => {
    const fail = (key: string, message: string) => {
      ctx.addIssue({ code: "custom", path: [key], message, input });
      return z.NEVER;
    };
    if (input.timeZone !== undefined && !isTimeZone(input.timeZone))
      return fail(
        "timeZone",
        `unknown time zone "${input.timeZone}"; use an IANA name like Europe/Berlin or UTC`,
      );
    const start = readTime(input.start);
    if (!start) return fail("start", `must be ${TIME_RULE}, not "${input.start}"`);
    const base = { id: input.id, title: input.title, components: input.components };
    if (input.rrule === undefined) {
      if (input.duration !== undefined)
        return fail("duration", "a one-off window gives end; duration goes with rrule");
      if (input.end === undefined)
        return fail("end", "a one-off window needs end (or give rrule and duration)");
      const end = readTime(input.end);
      if (!end) return fail("end", `must be ${TIME_RULE}, not "${input.end}"`);
      const zone = input.timeZone;
      if ((start.local || end.local) && zone === undefined)
        return fail("timeZone", "a time without an offset needs timeZone (or write the offset: +01:00, Z)");
      const at = (t: { ms: number; local: boolean }) => (t.local ? zonedToUtc(t.ms, zone!) : t.ms);
      const [s, e] = [at(start), at(end)];
      if (e <= s) return fail("end", `must be after start (${input.start})`);
      return { ...base, kind: "once", start: s, end: e };
    }
    if (input.end !== undefined) return fail("end", "a recurring window gives duration, not end");
    const problem = rruleProblem(input.rrule);
    if (problem) return fail("rrule", problem);
    if (input.timeZone === undefined)
      return fail("timeZone", "a recurring window needs timeZone (e.g. Europe/Berlin)");
    if (!start.local)
      return fail("start", "a recurring window starts at a local time without offset (2026-12-06T03:00)");
    if (input.duration === undefined) return fail("duration", "a recurring window needs duration (e.g. 2h)");
    const seconds = parseDuration(input.duration);
    if (seconds === undefined || seconds <= 0) return fail("duration", `must be ${DURATION_RULE}`);
    if (seconds * 1000 > MAX_RECURRING_MS) return fail("duration", "a recurring window lasts at most 7d");
    return {
      ...base,
      kind: "recurring",
      rrule: input.rrule,
      startWall: start.ms,
      timeZone: input.timeZone,
      durationMs: seconds * 1000,
    };
  });

export const maintenanceSchema = z.array(maintenanceEntrySchema).superRefine((specs, ctx) => {
  const seen = new Set<string>();
  for (const [i, s] of specs.entries()) {
    if (seen.has(s.id))
      ctx.addIssue({
        code: "custom",
        path: [i, "id"],
        message: `duplicate maintenance id "${s.id}"`,
        input: s.id,
      });
    seen.add(s.id);
  }
});
