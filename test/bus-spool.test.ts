/** The agent's spool (src/bus/spool.ts) and the publisher that uses it while the bus is away. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../src/bus/spool.js";
import { spoolPublisher } from "../src/bus/spool-publisher.js";
import type { Observation } from "../src/model/observation.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spoolFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-spool-"));
  dirs.push(dir);
  return join(dir, "agent", "spool.jsonl");
}

function obs(n: number): Observation {
  return {
    id: `probe/a:c#1:${n}`,
    at: 1_700_000_000_000 + n,
    vantage: "probe/a",
    component: "acme/api",
    check: "c#1",
    status: "up",
    latencyMs: n,
    errorClass: null,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => obs(from + i));

/** A bus stand-in at the function boundary: records what it takes, refuses while `down`. */
function receiver() {
  const got: Observation[] = [];
  const state = { down: false, calls: 0 };
  const publish = async (batch: Observation[]) => {
    state.calls++;
    if (state.down) throw new Error("connection refused");
    got.push(...batch);
  };
  return { got, state, publish };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("spool", () => {
  it("keeps batches across a restart and replays them in order, then is empty", async () => {
    const file = spoolFile();
    const first = await Spool.open({ file });
    await first.append(range(0, 3));
    await first.append(range(3, 5));
    await first.close();
    const again = await Spool.open({ file, replayBatch: 2 });
    expect(again.stats().spooled).toBe(5);
    const r = receiver();
    expect(await again.replay(r.publish)).toBe(5);
    expect(r.got).toEqual(range(0, 5));
    expect(again.empty).toBe(true);
    expect(statSync(file).size).toBe(0);
    await again.close();
  });

  it("drops a line cut short by a crash, and skips a damaged one with a warning", async () => {
    const file = spoolFile();
    const s = await Spool.open({ file });
    await s.append([obs(1)]);
    await s.close();
    appendFileSync(file, "{not json\n");
    appendFileSync(file, `${JSON.stringify(obs(2))}\n{"id":"cut`);
    const warnings: string[] = [];
    const again = await Spool.open({ file, onWarning: (m) => warnings.push(m) });
    expect(readFileSync(file, "utf8").endsWith("\n")).toBe(true);
    const r = receiver();
    await again.replay(r.publish);
    expect(r.got).toEqual([obs(1), obs(2)]);
    expect(warnings.join("\n")).toMatch(/cut short[\s\S]*damaged line/);
    await again.close();
  });

  it("refuses batches past its size, counts them, and warns once", async () => {
    const warnings: string[] = [];
    const line = JSON.stringify(obs(0)).length + 1;
    const s = await Spool.open({ file: spoolFile(), maxBytes: line * 3, onWarning: (m) => warnings.push(m) });
    expect(await s.append(range(0, 2))).toBe(true);
    expect(await s.append(range(2, 4))).toBe(false);
    expect(await s.append(range(4, 5))).toBe(true);
    expect(await s.append(range(5, 6))).toBe(false);
    expect(s.stats()).toMatchObject({ spooled: 3, dropped: 3 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/full/);
    await s.close();
  });

  it("a replay that fails part way resumes where it stopped, and keeps what was appended meanwhile", async () => {
    const s = await Spool.open({ file: spoolFile(), replayBatch: 2 });
    await s.append(range(0, 6));
    const got: Observation[] = [];
    let calls = 0;
    const flaky = async (batch: Observation[]) => {
      if (++calls === 2) {
        await s.append(range(6, 8)); // new observations arrive while the replay runs
        throw new Error("lost the connection");
      }
      got.push(...batch);
    };
    await expect(s.replay(flaky)).rejects.toThrow(/lost/);
    expect(await s.replay(flaky)).toBe(6);
    expect(got.map((o) => o.latencyMs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.empty).toBe(true);
    await s.close();
  });
});

describe("spool publisher", () => {
  it("spools while the bus is away, keeps later batches behind the spooled ones, and replays all in order", async () => {
    const spool = await Spool.open({ file: spoolFile() });
    const r = receiver();
    const notices: string[] = [];
    const publish = spoolPublisher({
      publish: r.publish,
      spool,
      retryMs: 20,
      onNotice: (m) => notices.push(m),
    });
    await publish(range(0, 2));
    r.state.down = true;
    await publish(range(2, 4)); // resolves: it is on disk
    expect(publish.spooling).toBe(true);
    await publish(range(4, 6));
    r.state.down = false;
    await publish(range(6, 8)); // the bus is back, but older observations wait in the spool: this goes behind
    await until(() => !publish.spooling);
    await publish(range(8, 9));
    expect(r.got.map((o) => o.latencyMs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(notices.join("\n")).toMatch(/spooling[\s\S]*replayed 6/);
    await publish.close();
    await spool.close();
  });

  it("replays at start what an earlier run left in the spool", async () => {
    const file = spoolFile();
    const old = await Spool.open({ file });
    await old.append(range(0, 3));
    await old.close();
    const spool = await Spool.open({ file });
    const r = receiver();
    const publish = spoolPublisher({ publish: r.publish, spool, retryMs: 20, onNotice: () => {} });
    await until(() => r.got.length === 3);
    expect(r.got).toEqual(range(0, 3));
    await publish.close();
    await spool.close();
  });
});
