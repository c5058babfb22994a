/**
 * Issue 13 #1: a remote agent never falls silent. Against a real `serve` (hub, HTTP API, SQLite store): a
 * batch the hub refuses for good is split, the refused observations go to the dead-letter file with the
 * hub's reason, and every other observation is delivered; the vantage's own health from `probes.anchors`
 * arrives; a long non-http redirect is cut at the source. Plus the splitting as a property.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeadLetter, DeadLetterFile } from "../src/bus/dead-letter-file.js";
import { httpPublisher, retryAfter } from "../src/bus/http/http-publisher.js";
import { agentCommand } from "../src/cli/agent-command.js";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { MAX_MESSAGE_LENGTH, type Observation } from "../src/model/observation.js";
import { ObservationBatcher, type RefusedObservation } from "../src/probe/observation-batcher.js";
import { captureIo } from "./capture-io.js";

let dir: string;
let target: http.Server;
let targetUrl: string;
let hub: HubProcess;
const lines: string[] = [];

/** A site to watch: /ok answers 200, /away redirects to a long javascript: URL (no http to follow). */
function startTarget(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/away"))
      return res.writeHead(302, { location: `javascript:${"x".repeat(5000)}` }).end();
    res.writeHead(200).end("ok");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const component = (id: string, check: string, every = "1s") =>
  [
    `  - id: ${id}`,
    "    checks:",
    `      - http: ${check}`,
    `        interval: ${every}`,
    "        timeout: 1s",
    "        vantages: [probe/remote]",
  ].join("\n");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-agent-refusals-"));
  target = await startTarget();
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  // The hub's config: acme/web is gone from it (the agent still runs an older config that has it).
  const hubModel = [
    "catalog: false",
    "vantages: [probe/hub, probe/remote]",
    "components:",
    component("acme/api", `${targetUrl}/ok?hub`, "1h"),
    component("acme/away", `${targetUrl}/away?hub`, "1h"),
    "",
  ].join("\n");
  writeFileSync(join(dir, "hub.yaml"), hubModel);
  writeFileSync(
    join(dir, "agent.yaml"),
    [
      "catalog: false",
      "vantages: [probe/hub, probe/remote]",
      "probes:",
      `  anchors: ["${targetUrl}/ok?anchor"]`,
      "components:",
      component("acme/api", `${targetUrl}/ok?api`),
      component("acme/away", `${targetUrl}/away?agent`),
      component("acme/web", `${targetUrl}/ok?web`),
      "",
    ].join("\n"),
  );
  hub = await startHubProcess({
    configFile: join(dir, "hub.yaml"),
    dataDir: join(dir, "hub-data"),
    vantage: "probe/hub", // the hub's own agent: every check belongs to probe/remote, so it runs none
    port: 0,
    host: "127.0.0.1",
    log: (l) => lines.push(l),
    warn: (l) => lines.push(`warning: ${l}`),
  });
});
afterAll(async () => {
  await hub?.stop();
  await new Promise<void>((r) => target.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function observation(n: number, over: Partial<Observation> = {}): Observation {
  const at = Date.now() - 60_000 + n;
  return {
    id: `probe/hub:acme/api#1:${at}`,
    at,
    vantage: "probe/hub",
    component: "acme/api",
    check: "acme/api#1",
    status: "up",
    latencyMs: 1,
    errorClass: null,
    ...over,
  };
}

describe("a batch the real hub refuses", () => {
  it("is split: the refused observations are set aside with the hub's reason, the rest delivered", async () => {
    const publish = httpPublisher({ hub: hub.url, token: hub.firstToken! });
    const refused: RefusedObservation[] = [];
    const batcher = new ObservationBatcher({ publish, batchMs: 10, onRefused: (r) => refused.push(...r) });
    const good = Array.from({ length: 20 }, (_, n) => observation(n));
    const bad = [
      observation(100, { component: "acme/web", id: "bad-component" }), // 422, named in refusals
      observation(101, { id: "bad-message", message: "m".repeat(MAX_MESSAGE_LENGTH + 1) }), // 400, by path
      observation(102, { id: "bad-time", at: Number.MAX_SAFE_INTEGER }), // 422
      observation(103, { id: "bad-vantage", vantage: "probe/nowhere" }), // 422
    ];
    const all = [
      ...good.slice(0, 5),
      bad[0]!,
      ...good.slice(5, 9),
      bad[1]!,
      bad[2]!,
      ...good.slice(9),
      bad[3]!,
    ];
    batcher.add(all);
    const stats = await batcher.close(20_000);
    await publish.close();

    expect(stats).toMatchObject({ published: good.length, refused: bad.length, dropped: 0, buffered: 0 });
    const stored = await hub.store.queryObservations({ vantage: "probe/hub", limit: 1000 });
    expect(new Set(stored.map((o) => o.id))).toEqual(new Set(good.map((o) => o.id)));
    // The 400 (schema) is found first, then the 422 names the other three at once.
    expect(refused.map((r) => r.observation.id).sort()).toEqual(bad.map((o) => o.id).sort());
    const reasons = Object.fromEntries(refused.map((r) => [r.observation.id, `${r.status} ${r.reason}`]));
    expect(reasons["bad-component"]).toMatch(/^422 .*unknown component "acme\/web"/);
    expect(reasons["bad-message"]).toMatch(/^400 .*observations\[\d+\]\.message/);
    expect(reasons["bad-time"]).toMatch(/^422 .*ahead of the hub's clock/);
    expect(reasons["bad-vantage"]).toMatch(/^422 .*unknown vantage "probe\/nowhere"/);
  });
});

describe("what a refusal means", () => {
  it("the publisher marks the real hub's 400 and 422 permanent, a bad token not, and reads Retry-After", async () => {
    const publish = httpPublisher({ hub: hub.url, token: hub.firstToken! });
    const unknown = await publish([observation(1, { component: "acme/web" })]).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 422, permanent: true, refusals: [{ index: 0 }] });
    const shape = await publish([observation(2, { latencyMs: -1 })]).catch((e: unknown) => e);
    expect(shape).toMatchObject({ status: 400, permanent: true, refusals: [{ index: 0 }] });
    await publish.close();
    const wrong = httpPublisher({ hub: hub.url, token: "ept_wrong" });
    expect(await wrong([observation(3)]).catch((e: unknown) => e)).toMatchObject({
      status: 401,
      permanent: false,
    });
    await wrong.close();
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfter("1", now)).toBe(1000);
    expect(retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfter("999999999", now)).toBe(5 * 60_000);
    expect(retryAfter("soon", now)).toBeNull();
    expect(retryAfter(undefined, now)).toBeNull();
  });

  it("the dead-letter file keeps one line per refusal, and only counts past its bound", async () => {
    const file = join(dir, "bounded", "dead.jsonl");
    const warnings: string[] = [];
    const letters = new DeadLetterFile({ file, maxBytes: 600, onWarning: (m) => warnings.push(m) });
    const refusal = (n: number): RefusedObservation => ({
      observation: observation(n),
      refusedAt: Date.now(),
      status: 422,
      reason: "HTTP 422: unknown component",
    });
    const refusals = Array.from({ length: 5 }, (_, n) => refusal(n));
    for (const r of refusals) letters.add([r]);
    await letters.flush();
    const written = readFileSync(file, "utf8").trim().split("\n");
    expect(letters.count).toBe(5);
    expect(written.length + letters.unwritten).toBe(5);
    expect(letters.unwritten).toBeGreaterThan(0);
    expect(JSON.parse(written[0]!)).toMatchObject({ status: 422, observation: refusals[0]!.observation });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is full/);
  });
});

describe("the hub's own agents (serve's, publishing straight to hub.ingest)", () => {
  it("split a batch the hub refuses too, instead of retrying it forever", async () => {
    const refused: string[] = [];
    const batcher = new ObservationBatcher({
      publish: (batch) => hub.hub.ingest(batch),
      onRefused: (r) => refused.push(...r.map((x) => x.observation.id)),
    });
    const good = [observation(500), observation(501)];
    batcher.add([good[0]!, observation(502, { component: "acme/gone", id: "gone" }), good[1]!]);
    const stats = await batcher.close(5000);
    expect(stats).toMatchObject({ published: 2, refused: 1, dropped: 0 });
    expect(refused).toEqual(["gone"]);
  });
});

describe("splitting a refused batch", () => {
  // The far side refuses (for good, naming nothing) any batch holding a bad observation: the batcher must
  // deliver each good one exactly once, in order, and set aside exactly the bad ones.
  test.prop([fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 50 })])(
    "delivers every good observation once and in order, and refuses exactly the bad ones",
    async (badness, batchMax) => {
      const batch = badness.map((_, n) => observation(n, { id: `o${n}` }));
      const bad = new Set(batch.filter((_, n) => badness[n]).map((o) => o.id));
      const delivered: string[] = [];
      const refused: string[] = [];
      const batcher = new ObservationBatcher({
        batchMax,
        publish: async (part) => {
          if (part.some((o) => bad.has(o.id)))
            throw Object.assign(new Error("refused"), { permanent: true, status: 422 });
          delivered.push(...part.map((o) => o.id));
        },
        onRefused: (r) => refused.push(...r.map((x) => x.observation.id)),
      });
      batcher.add(batch);
      const stats = await batcher.close(10_000);
      expect(delivered).toEqual(batch.filter((o) => !bad.has(o.id)).map((o) => o.id));
      expect(refused).toEqual(batch.filter((o) => bad.has(o.id)).map((o) => o.id));
      expect(stats).toMatchObject({ dropped: 0, refused: bad.size, published: delivered.length });
    },
  );

  it("keeps a batch the far side could not take now (5xx, 429, no answer) and retries it whole", async () => {
    let calls = 0;
    const delivered: string[] = [];
    const batcher = new ObservationBatcher({
      retryMs: 1,
      publish: async (part) => {
        if (++calls <= 2) throw Object.assign(new Error("busy"), { status: 503, retryAfterMs: 5 });
        delivered.push(...part.map((o) => o.id));
      },
    });
    batcher.add([observation(1), observation(2)]);
    const stats = await batcher.close(5000);
    expect(delivered).toHaveLength(2);
    expect(stats).toMatchObject({ published: 2, refused: 0, publishErrors: 2 });
  });
});

describe("epicenter agent --hub against a real hub, with probes.anchors", () => {
  it("delivers every good observation for ~25 s while the hub refuses a component it no longer has", async () => {
    const deadLetter = join(dir, "dead.jsonl");
    const { io, out, err } = captureIo(dir, { EPICENTER_TOKEN: hub.firstToken! });
    // ~25 s, and until the anchor (every 30 s, at a phase of its own) has reported once.
    const stop = (async () => {
      await new Promise((r) => setTimeout(r, 25_000));
      while ((await hub.store.queryObservations({ component: "probe/remote", limit: 1 })).length === 0)
        await new Promise((r) => setTimeout(r, 250));
    })();
    const code = await agentCommand(
      [
        "--vantage",
        "probe/remote",
        "--config",
        join(dir, "agent.yaml"),
        "--hub",
        hub.url,
        "--dead-letter",
        deadLetter,
        "--status-every",
        "5",
      ],
      io,
      stop,
    );
    expect(code, err.join("\n")).toBe(0);
    expect(out[0]).toMatch(/3 of 3 checks .*1 anchors; publishing to .*dead\.jsonl/);
    const last = out.at(-1)!;
    const m = /stopped after (\d+) checks; (\d+) observations published, (\d+) refused by the hub/.exec(last);
    expect(m, last).not.toBeNull();
    const [checksRun, published, refusedCount] = m!.slice(1).map(Number) as [number, number, number];
    console.log(`agent for 25 s: ${checksRun} checks, ${published} published, ${refusedCount} refused`);
    expect(last).not.toMatch(/dropped/);
    expect(out.some((l) => /refused \d+ \(dead-lettered\)/.test(l))).toBe(true);

    const stored = await hub.store.queryObservations({ vantage: "probe/remote", limit: 10_000 });
    const count = (c: string) => stored.filter((o) => o.component === c).length;
    // Everything the agent published is stored; nothing of the refused component is.
    expect(stored).toHaveLength(published);
    expect(count("acme/web")).toBe(0);
    // The vantage's own health (from probes.anchors) arrives: the route takes component = vantage.
    expect(count("probe/remote")).toBeGreaterThanOrEqual(1);
    // The redirect's message was cut at the source, so the hub took it.
    const away = stored.filter((o) => o.component === "acme/away");
    expect(away.length).toBeGreaterThan(10);
    expect(away[0]!.message).toMatch(/^cannot follow to javascript:/);
    expect(away[0]!.message!.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);

    // Every check's observation is either stored or in the dead-letter file, and those are all acme/web.
    expect(existsSync(deadLetter)).toBe(true);
    const dead = readFileSync(deadLetter, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DeadLetter);
    expect(dead).toHaveLength(refusedCount);
    expect(refusedCount).toBeGreaterThan(10);
    expect(new Set(dead.map((d) => d.observation.component))).toEqual(new Set(["acme/web"]));
    expect(dead[0]).toMatchObject({ status: 422 });
    expect(dead[0]!.reason).toMatch(/unknown component "acme\/web"/);
    expect(Number.isNaN(Date.parse(dead[0]!.refusedAt))).toBe(false);
    expect(count("acme/api") + count("acme/away") + dead.length).toBe(checksRun);
    expect(lines.filter((l) => l.startsWith("warning"))).toEqual([]);
  }, 60_000);
});
