/** The agent end to end: real checks against a real server, observations POSTed to a real HTTP receiver. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpPublishError, httpPublisher } from "../src/bus/http/http-publisher.js";
import type { Observation } from "../src/model/observation.js";
import { resultObservations, startAgent } from "../src/probe/agent.js";
import type { Check, StatuspageCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { silentTcp } from "./probe-fixtures.js";
import { type CountingServer, httpCheck, startCountingServer, until } from "./schedule-fixtures.js";

const TOKEN = "s3cret-token";

interface Receiver {
  url: string;
  received: Observation[];
  posts: number;
  /** Answer the next `n` POSTs with this status instead of 202. */
  failNext: (n: number, status: number) => void;
  close: () => Promise<void>;
}

/** The hub's side of the contract: POST /api/v1/observations, Bearer token, {"observations": [...]}. */
async function startReceiver(): Promise<Receiver> {
  const received: Observation[] = [];
  const state = { posts: 0, failing: 0, failStatus: 503 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/api/v1/observations") return res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end("bad token");
      state.posts++;
      if (state.failing > 0) {
        state.failing--;
        return res.writeHead(state.failStatus).end("not now");
      }
      received.push(...(JSON.parse(body) as { observations: Observation[] }).observations);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get posts() {
      return state.posts;
    },
    failNext: (n, status) => {
      state.failing = n;
      state.failStatus = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let target: CountingServer;
let receiver: Receiver;
let closedPort: string;

beforeAll(async () => {
  [target, receiver] = await Promise.all([startCountingServer(), startReceiver()]);
  // A port nobody listens on: open one, note it, close it.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = String((probe.address() as AddressInfo).port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await Promise.all([target.close(), receiver.close()]);
});

describe("agent", () => {
  it("stamps an observation with when its run began: a timeout says what the target was like when asked", async () => {
    const silent = await silentTcp();
    const url = `http://127.0.0.1:${silent.port}/`;
    const got: { at: number; received: number; status: string }[] = [];
    const agent = startAgent({
      vantage: "probe/here",
      checks: [httpCheck("acme/slow#1", url, { intervalMs: 1000, timeoutMs: 400 })],
      runner: runCheck,
      publish: async (batch) => {
        for (const o of batch) got.push({ at: o.at, received: Date.now(), status: o.status });
      },
      batchMs: 10,
    });
    await until(() => got.length >= 1);
    await agent.stop(1000);
    await silent.close();
    expect(got[0]!.status).toBe("down");
    // The run took its whole timeout: stamped at its end, it would be within a batch of its arrival.
    expect(got[0]!.received - got[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it("publishes its checks' observations and its own health to a hub over HTTP", async () => {
    const checks: Check[] = [
      httpCheck("acme/api#1", `${target.url}/ok?api`, { intervalMs: 200 }),
      httpCheck("acme/db#1", `${target.url}/down?db`, { intervalMs: 200 }),
      httpCheck("acme/other#1", `${target.url}/ok?other`, { intervalMs: 200, vantages: ["probe/elsewhere"] }),
      { ...httpCheck("acme/mine#1", `${target.url}/ok?mine`, { intervalMs: 200 }), vantages: ["probe/here"] },
      {
        type: "heartbeat",
        id: "acme/cron#1",
        component: "acme/cron",
        intervalMs: 200,
        timeoutMs: 100,
        vantages: [],
        confirm: 0,
        token: "t",
        graceMs: 0,
      },
    ];
    const anchors = [
      httpCheck("anchor/a#1", `${target.url}/ok?anchor`, { intervalMs: 200 }),
      httpCheck("anchor/b#1", `http://127.0.0.1:${closedPort}/`, { intervalMs: 200 }),
    ];
    receiver.failNext(2, 503); // the hub is briefly away: the agent keeps the batch and retries
    const publish = httpPublisher({ hub: receiver.url, token: TOKEN });
    const agent = startAgent({
      vantage: "probe/here",
      checks,
      anchors,
      runner: runCheck,
      publish,
      batchMs: 50,
    });
    const seen = (component: string) => receiver.received.filter((o) => o.component === component);
    await until(() => ["acme/api", "acme/db", "acme/mine", "probe/here"].every((c) => seen(c).length >= 2));
    const stats = await agent.stop(5000);
    await publish.close();

    expect(seen("acme/other")).toHaveLength(0);
    expect(seen("acme/cron")).toHaveLength(0);
    expect(target.hits.get("/ok?other")).toBeUndefined();
    const api = seen("acme/api")[0]!;
    expect(api).toMatchObject({ vantage: "probe/here", check: "acme/api#1", status: "up", errorClass: null });
    expect(api.id).toBe(`probe/here:acme/api#1:${api.at}`);
    expect(Math.abs(api.at - Date.now())).toBeLessThan(60_000);
    expect(seen("acme/db")[0]).toMatchObject({ status: "down", errorClass: "http-5xx" });
    expect(seen("probe/here")[0]).toMatchObject({ vantage: "probe/here", status: "degraded" });
    expect(seen("probe/here")[0]!.message).toMatch(/1 of 2 anchors reachable/);
    expect(new Set(receiver.received.map((o) => o.id)).size).toBe(receiver.received.length);
    expect(stats).toMatchObject({ vantage: "probe/here", checks: 3, dropped: 0, health: "degraded" });
    expect(stats.publishErrors).toBeGreaterThanOrEqual(2);
    expect(stats.lastPublishError).toMatch(/HTTP 503/);
    expect(stats.observationsPublished).toBe(receiver.received.length);
    expect(stats.checksRun).toBeGreaterThanOrEqual(6);
    expect(stats.lagP99Ms).not.toBeNull();
  });

  it("keeps a bounded buffer while the hub refuses, and counts what it drops", async () => {
    receiver.failNext(1_000_000, 500);
    const publish = httpPublisher({ hub: receiver.url, token: TOKEN });
    const checks = Array.from({ length: 10 }, (_, i) =>
      httpCheck(`acme/s${i}#1`, `${target.url}/ok?b${i}`, { intervalMs: 100 }),
    );
    const agent = startAgent({
      vantage: "probe/b",
      checks,
      runner: runCheck,
      publish,
      batchMs: 20,
      bufferMax: 5,
    });
    await until(() => agent.stats().dropped > 20);
    const during = agent.stats();
    expect(during.observationsBuffered).toBeLessThanOrEqual(5);
    expect(during.observationsPublished).toBe(0);
    expect(during.lastPublishError).toMatch(/HTTP 500/);
    const stats = await agent.stop(500);
    await publish.close();
    receiver.failNext(0, 500);
    expect(stats.observationsBuffered).toBe(0);
    expect(stats.checksRun).toBe(stats.dropped + stats.observationsPublished);
  });

  it("the HTTP publisher says what a refusal means", async () => {
    const wrong = httpPublisher({ hub: receiver.url, token: "wrong" });
    const error = await wrong([]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpPublishError);
    expect(error).toMatchObject({ code: "E_PUBLISH_REJECTED", status: 401 });
    expect((error as Error).message).toMatch(/--token/);
    await wrong.close();
    const away = httpPublisher({ hub: `http://127.0.0.1:${closedPort}`, token: TOKEN });
    await expect(away([])).rejects.toMatchObject({ code: "E_PUBLISH_UNREACHABLE" });
    await away.close();
    expect(() => httpPublisher({ hub: "ftp://x", token: TOKEN })).toThrow(/http or https/);
  });

  it("a status page speaks for each component it reports, and not at all when it cannot be read", () => {
    const page: StatuspageCheck = {
      type: "statuspage",
      id: "saas/stripe#1",
      component: "saas/stripe",
      url: "https://status.stripe.com",
      format: "statuspage",
      components: {},
      intervalMs: 60_000,
      timeoutMs: 5000,
      vantages: [],
      confirm: 0,
    };
    const read = resultObservations(
      "probe/a",
      page,
      {
        status: "degraded",
        errorClass: "reported",
        latencyMs: 12,
        phases: { total: 12 },
        components: [
          { component: "saas/stripe/api", status: "down" },
          { component: "saas/stripe/dashboard", status: "up" },
        ],
      },
      1000,
    );
    expect(read).toEqual([
      {
        id: "probe/a:saas/stripe#1:1000:saas/stripe/api",
        at: 1000,
        vantage: "probe/a",
        component: "saas/stripe/api",
        check: "saas/stripe#1",
        status: "down",
        latencyMs: 12,
        errorClass: "reported",
      },
      {
        id: "probe/a:saas/stripe#1:1000:saas/stripe/dashboard",
        at: 1000,
        vantage: "probe/a",
        component: "saas/stripe/dashboard",
        check: "saas/stripe#1",
        status: "up",
        latencyMs: 12,
        errorClass: null,
      },
    ]);
    const failed = resultObservations(
      "probe/a",
      page,
      { status: "down", errorClass: "timeout", latencyMs: 5000, phases: { total: 5000 } },
      1000,
    );
    expect(failed).toEqual([]);
  });
});
