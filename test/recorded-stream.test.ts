import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { SourceError } from "../src/model/model-errors.js";
import { readRecorded } from "../src/simulate/recorded.js";
import { parseScenario } from "../src/simulate/scenario-load.js";

const SCENARIO = `version: 1
name: stream
seed: 1
duration: 1h
interval: 30s
vantages: [p/a, p/b]
components:
  - { id: s1, observed: true }
  - { id: s2, observed: true }
`;

function file(text: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-recorded-stream-"));
  const path = join(dir, "obs.jsonl");
  writeFileSync(path, text);
  return path;
}

function read(text: string | Uint8Array, chunkSize?: number, maxLineLength?: number) {
  const scenario = parseScenario("s.yaml", SCENARIO);
  const rows: number[][] = [];
  try {
    const count = readRecorded(scenario, file(text), (t, v, c, s) => rows.push([t, v, c, s]), {
      ...(chunkSize ? { chunkSize } : {}),
      ...(maxLineLength ? { maxLineLength } : {}),
    });
    return { count, rows, errors: [] as string[] };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { count: -1, rows, errors: error.issues.map((i) => `${i.line} ${i.path}: ${i.message}`) };
  }
}

// Lines end in no-break spaces (two bytes each in UTF-8, trimmed like any white space): with small chunks some
// are split in two, and a reader that decodes chunk by chunk would turn them into garbage JSON.parse refuses.
const line = (t: number, vantage: string, component: string, status: string) =>
  `${JSON.stringify({ t, vantage, component, status })}\u00a0\u00a0`;

describe("recorded observations, read as a stream", () => {
  it("joins lines split across chunks, multi-byte characters included, and takes CRLF and no final newline", () => {
    const text = [line(0, "p/b", "s1", "down"), "", line(30, "p/a", "s2", "up")].join("\r\n");
    const out = read(text, 7);
    expect(out.errors).toEqual([]);
    expect(out.rows).toEqual([
      [0, 1, 0, 2],
      [30, 0, 1, 0],
    ]);
  });

  it("names a bad line far into the file, counting blank lines", () => {
    const lines: string[] = [];
    for (let t = 0; t < 5000; t++) lines.push(line(t, "p/a", "s1", "up"));
    lines.splice(3000, 0, "");
    lines[4321] = line(4320, "p/a", "nope", "up");
    const out = read(`${lines.join("\n")}\n`, 4096);
    expect(out.errors).toEqual(['4322 component: unknown component "nope"']);
    expect(out.rows).toEqual([]);
  });

  it("refuses an over-long line by its number without holding it, and reads on", () => {
    const long = `{"t": 1, "vantage": "p/a", "component": "s1", "status": "up", "x": "${"a".repeat(5000)}"}`;
    const out = read([line(0, "p/a", "s1", "up"), long, line(2, "p/a", "s1", "nope")].join("\n"), 256, 1000);
    expect(out.errors).toEqual([
      "2 : line longer than 1000 characters",
      '3 status: status must be up, degraded or down, not "nope"',
    ]);
  });

  it("refuses a status that is a property every object has", () => {
    const statuses = ["constructor", "__proto__", "toString", "hasOwnProperty"];
    const out = read(statuses.map((s, i) => line(i, "p/a", "s1", s)).join("\n"));
    expect(out.errors).toEqual(
      statuses.map((s, i) => `${i + 1} status: status must be up, degraded or down, not "${s}"`),
    );
  });

  it("lists the first 50 bad lines, then says how many more there are and where they start", () => {
    const lines = Array.from({ length: 80 }, (_, i) => (i % 10 === 9 ? line(0, "p/a", "s1", "up") : "x"));
    const out = read(lines.join("\n"), 7);
    expect(out.errors).toHaveLength(51);
    expect(out.errors[49]).toBe("55 : not valid JSON");
    expect(out.errors[50]).toBe("56 : and 22 more bad lines from here on (the first 50 are listed)");
  });

  it("stops, naming the line, when the file changes between validating and feeding", () => {
    const first = line(0, "p/a", "s1", "up");
    const path = file(`${first}\n${line(30, "p/a", "s1", "up")}\n`);
    const scenario = parseScenario("s.yaml", SCENARIO);
    const fed: unknown[][] = [];
    const feed = () =>
      readRecorded(
        scenario,
        path,
        (...observation) => {
          // The second pass has read only its first chunk: the rest of the file is rewritten under it.
          if (fed.push(observation) === 1) writeFileSync(path, `${first}\n${line(30, "p/a", "s9", "up")}\n`);
        },
        { chunkSize: Buffer.byteLength(first) + 1 },
      );
    expect(feed).toThrow(
      'obs.jsonl:2 component: unknown component "s9" (the file changed while it was read)',
    );
    expect(fed).toEqual([[0, 0, 0, 0]]);
  });

  test.prop([
    fc.array(
      fc.oneof(
        fc.record({
          t: fc.integer({ min: 0, max: 50 }),
          v: fc.constantFrom("p/a", "p/b", "p/x"),
          c: fc.constantFrom("s1", "s2"),
          s: fc.constantFrom("up", "down", "degraded", "odd"),
        }),
        fc.constantFrom("", "not json", "  ", "{}"),
      ),
      { maxLength: 40 },
    ),
    fc.integer({ min: 1, max: 64 }),
    fc.constantFrom("\n", "\r\n"),
  ])("reads the same observations and the same errors whatever the chunk size", (items, chunk, eol) => {
    let t = 0;
    const text = items
      .map((x) => {
        if (typeof x === "string") return x;
        t += x.t % 3;
        return line(t, x.v, x.c, x.s);
      })
      .join(eol);
    expect(read(text, chunk)).toEqual(read(text));
  });

  const encoder = new TextEncoder();
  // Hostile lines: 4-byte characters in and out of strings, any UTF-16 (lone surrogates included), bytes that
  // are not UTF-8 at all, lines just under and over the bound. Bad bytes must decode alike however cut.
  const hostileLine = fc.oneof(
    fc.constantFrom("", " ", "\r", "\u3000", "{", '{"t": 1e400}', '{"x": 1}').map((s) => encoder.encode(s)),
    fc.string({ unit: "binary", maxLength: 30 }).map((s) => encoder.encode(JSON.stringify(s))),
    fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x) => (x === 10 ? 0xc3 : x))),
    fc.integer({ min: 35, max: 45 }).map((n) => encoder.encode(`"${"𝄞".repeat(n)}"`)),
    fc.nat(3).map((i) => encoder.encode(line(i * 30, "p/a", i % 2 ? "s1" : "s€", "up"))),
  );
  test.prop([
    fc.array(fc.tuple(hostileLine, fc.constantFrom("\n", "\r\n")), { maxLength: 25 }),
    fc.integer({ min: 1, max: 40 }),
  ])("reads hostile bytes alike whatever the chunk size", (lines, chunk) => {
    const bytes = Buffer.concat(lines.flatMap(([l, end]) => [l, encoder.encode(end)]));
    expect(read(bytes, chunk, 80)).toEqual(read(bytes, undefined, 80));
  });
});
