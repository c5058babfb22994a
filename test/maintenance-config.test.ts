/** maintenance: in epicenter.yaml: one-off and recurring windows, and errors with file, line and key path. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { windowsOf } from "../src/model/maintenance-schedule.js";
import { SourceError } from "../src/model/model-errors.js";

const yaml = (maintenance: string) => `catalog: false
components:
  - id: acme/api
  - id: acme/db
maintenance:
${maintenance}`;

function errors(text: string, now?: number): string[] {
  try {
    parseConfig("epicenter.yaml", text, now === undefined ? {} : { now });
  } catch (error) {
    if (error instanceof SourceError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("maintenance in epicenter.yaml", () => {
  it("reads one-off windows with an offset or a zone, and recurring ones", () => {
    const config = parseConfig(
      "epicenter.yaml",
      yaml(`  - id: db-upgrade
    title: Database upgrade
    components: [acme/db]
    start: 2026-12-05T02:00:00+01:00
    end: 2026-12-05T04:00:00+01:00
  - { id: local, title: Local, components: [acme/api], start: "2026-07-01T09:00", end: "2026-07-01T10:30", timeZone: America/New_York }
  - id: sunday-patch
    title: Sunday patching
    components: [acme/api, acme/db]
    rrule: FREQ=WEEKLY;BYDAY=SU
    start: "2026-11-01T03:00"
    timeZone: Europe/Berlin
    duration: 2h
`),
    );
    const [once, local, weekly] = config.maintenance;
    expect(once).toMatchObject({
      kind: "once",
      start: Date.parse("2026-12-05T01:00:00Z"),
      end: Date.parse("2026-12-05T03:00:00Z"),
    });
    expect(local).toMatchObject({
      kind: "once",
      start: Date.parse("2026-07-01T13:00:00Z"),
      end: Date.parse("2026-07-01T14:30:00Z"),
    });
    expect(weekly).toMatchObject({ kind: "recurring", timeZone: "Europe/Berlin", durationMs: 7_200_000 });
    const windows = windowsOf(
      weekly!,
      Date.parse("2026-12-01T00:00:00Z"),
      Date.parse("2026-12-08T00:00:00Z"),
    );
    expect(windows.map((w) => [w.id, new Date(w.end).toISOString()])).toEqual([
      ["sunday-patch@20261206T020000Z", "2026-12-06T04:00:00.000Z"],
    ]);
  });

  it("names the file, line and key of each bad window", () => {
    expect(
      errors(
        yaml(`  - id: a
    title: A
    components: [acme/api]
    rrule: FREQ=MINUTELY
    start: "2026-11-01T03:00"
    timeZone: Europe/Berlin
    duration: 1h
  - id: b
    title: B
    components: [acme/api]
    rrule: FREQ=WEEKLY
    start: "2026-11-01T03:00"
    timeZone: Europe/Berlyn
    duration: 1h
  - id: c
    title: C
    components: [acme/nope]
    start: 2026-12-05T02:00:00Z
    end: 2026-12-05T01:00:00Z
  - id: d
    title: D
    components: [acme/db]
    rrule: FREQ=DAILY;EVERY=2
    start: "2026-11-01T03:00"
    timeZone: UTC
    duration: 1h
  - id: e
    title: E
    components: [acme/db]
    start: "2026-12-05T02:00"
    end: "2026-12-05T03:00"
`),
      ),
    ).toEqual([
      "epicenter.yaml:9 maintenance[0].rrule: a maintenance window recurs at most hourly (FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)",
      'epicenter.yaml:18 maintenance[1].timeZone: unknown time zone "Europe/Berlyn"; use an IANA name like Europe/Berlin or UTC',
      "epicenter.yaml:24 maintenance[2].end: must be after start (2026-12-05T02:00:00Z)",
      'epicenter.yaml:28 maintenance[3].rrule: not an RRULE part: "EVERY=2"; e.g. FREQ=WEEKLY;BYDAY=SU',
      "epicenter.yaml:32 maintenance[4].timeZone: a time without an offset needs timeZone (or write the offset: +01:00, Z)",
    ]);
    expect(
      errors(
        yaml(
          `  - { id: c, title: C, components: [acme/nope], start: 2026-12-05T02:00:00Z, end: 2026-12-05T03:00:00Z }\n`,
        ),
      ),
    ).toEqual(['epicenter.yaml:6 maintenance[0].components[0]: unknown component "acme/nope"']);
  });

  it("refuses a one-off window ending more than two years from now, naming file, line and key", () => {
    const now = Date.parse("2026-12-03T06:00:00Z");
    const once = (id: string, end: string) =>
      `  - { id: ${id}, title: T, components: [acme/db], start: 2026-12-05T02:00:00Z, end: ${end} }\n`;
    const standing = `  - { id: weekly, title: W, components: [acme/api], rrule: FREQ=WEEKLY, start: "2026-12-06T03:00", timeZone: UTC, duration: 2h }\n`;
    expect(
      errors(
        yaml(once("typo", "9999-12-31T00:00:00Z") + once("edge", "2028-12-03T06:00:00Z") + standing),
        now,
      ),
    ).toEqual([
      "epicenter.yaml:6 maintenance[0].end: ends more than two years from now (after 2028-12-03T06:00:00.000Z); a one-off window must end by then (for standing work use rrule and duration)",
    ]);
    // Two years to the second is allowed, one more is not; a rule with no end is fine.
    expect(errors(yaml(once("edge", "2028-12-03T07:00:01+01:00")), now)).toEqual([
      expect.stringMatching(/^epicenter\.yaml:6 maintenance\[0\]\.end: ends more than two years from now/),
    ]);
    expect(errors(yaml(once("edge", "2028-12-03T06:00:00Z") + standing), now)).toEqual([]);
  });
});
