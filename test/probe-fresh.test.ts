/**
 * Fresh connections per HTTP(S) check (the default) and keep-alive with `reuse: true`, against real local
 * HTTP and HTTPS servers (test CA made with openssl): connections counted on the server, phases on every
 * run, and names resolved again, and guarded again, on every fresh connection.
 */
import type http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resultObservations } from "../src/probe/agent.js";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import type { HostResolver } from "../src/probe/guarded-connect.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";
import type { ProbePolicy } from "../src/probe/target-guard.js";
import {
  checkBase,
  close,
  hasOpenssl,
  httpServer,
  httpsServer,
  listen,
  makePki,
  type TestPki,
} from "./probe-fixtures.js";

/** A resolver whose answer the test changes between runs; counts the lookups it answered. */
function switchableResolver(first: string) {
  const state = { address: first, lookups: 0 };
  const resolver: HostResolver = async () => {
    state.lookups++;
    return [{ address: state.address, family: 4 }];
  };
  return { state, resolver };
}

interface Counted {
  server: http.Server;
  connections: number;
}

/** An HTTP(S) server that counts the TCP connections it accepts and answers with its `name`. */
function counted(server: http.Server, name: string): Counted {
  const counter = { server, connections: 0 };
  server.on("connection", () => counter.connections++);
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) =>
    req.url === "/busy" ? res.writeHead(503).end(`${name} busy`) : res.end(`served by ${name}`),
  );
  return counter;
}

/**
 * A moment between runs, as between two runs of a check: undici hands a kept-alive socket to the next request
 * only an event-loop turn after the answer (a request sent at once gets a connection of its own).
 */
const between = () => new Promise((ok) => setTimeout(ok, 20));

const check = (url: string, extra: Partial<HttpCheck> = {}): HttpCheck => ({
  ...checkBase(),
  ...httpDefaults(),
  type: "http",
  url,
  ...extra,
});

// Each test's own pools, closed after it: no connection outlives the test that opened it.
let agents: HttpAgents | undefined;
afterEach(async () => {
  await agents?.close();
  agents = undefined;
});

const ctx = (resolver: HostResolver, policy?: ProbePolicy) => {
  agents ??= new HttpAgents();
  return { signal: new AbortController().signal, http: agents, resolver, ...(policy ? { policy } : {}) };
};

describe("http checks connect afresh each run", () => {
  const plain = counted(
    httpServer(() => {}),
    "A",
  );
  // Same port on another loopback address: where the name points after its record changes.
  const moved = counted(
    httpServer(() => {}),
    "B",
  );
  let port = 0;
  beforeAll(async () => {
    port = await listen(plain.server);
    await new Promise<void>((ok) => moved.server.listen(port, "127.0.0.2", ok));
  });
  afterAll(async () => {
    moved.server.closeAllConnections();
    await new Promise((ok) => moved.server.close(ok));
    await close(plain.server);
  });
  afterEach(() => {
    plain.connections = 0;
    moved.connections = 0;
  });
  const url = () => `http://api.fresh.test:${port}/`;

  it("opens a connection per run, each timed: dns, connect, first byte, no tls", async () => {
    const { resolver, state } = switchableResolver("127.0.0.1");
    const first = await runCheck(check(url()), ctx(resolver));
    const second = await runCheck(check(url()), ctx(resolver));
    for (const r of [first, second]) {
      expect(r).toMatchObject({ status: "up", errorClass: null });
      expect(r.phases.dns).toBeGreaterThanOrEqual(0);
      expect(r.phases.connect).toBeGreaterThanOrEqual(0);
      expect(r.phases.firstByte).toBeGreaterThanOrEqual(0);
      expect(r.phases.tls).toBeUndefined();
    }
    expect(plain.connections).toBe(2);
    expect(state.lookups).toBe(2);
  });

  it("with reuse: true the second run rides the first run's socket, untimed for setup", async () => {
    const { resolver, state } = switchableResolver("127.0.0.1");
    const first = await runCheck(check(url(), { reuse: true }), ctx(resolver));
    await between();
    const second = await runCheck(check(url(), { reuse: true }), ctx(resolver));
    expect(first.phases.connect).toBeGreaterThanOrEqual(0);
    expect(second).toMatchObject({ status: "up" });
    expect(second.phases.dns).toBeUndefined();
    expect(second.phases.connect).toBeUndefined();
    expect(second.phases.firstByte).toBeGreaterThanOrEqual(0);
    expect(plain.connections).toBe(1);
    expect(state.lookups).toBe(1);
  });

  it("resolves again on the next run and connects to the new address", async () => {
    const { resolver, state } = switchableResolver("127.0.0.1");
    const served = { ...check(url()), bodyContains: "served by A" };
    expect(await runCheck(served, ctx(resolver))).toMatchObject({ status: "up" });
    state.address = "127.0.0.2";
    const after = await runCheck(served, ctx(resolver));
    // The record changed between two runs: the second run reached B, and says so.
    expect(after).toMatchObject({ status: "down", errorClass: "assertion" });
    expect(plain.connections).toBe(1);
    expect(moved.connections).toBe(1);
  });

  it("a keep-alive check does not see the changed record while its connection lasts", async () => {
    const { resolver, state } = switchableResolver("127.0.0.1");
    const served = { ...check(url(), { reuse: true }), bodyContains: "served by A" };
    expect(await runCheck(served, ctx(resolver))).toMatchObject({ status: "up" });
    state.address = "127.0.0.2";
    await between();
    expect(await runCheck(served, ctx(resolver))).toMatchObject({ status: "up" });
    expect(moved.connections).toBe(0);
  });

  it("guards every fresh connection: a name turned loopback (denied) or metadata is refused", async () => {
    const { resolver, state } = switchableResolver("127.0.0.1");
    // Loopback closed but for the one address the target lived at.
    const policy: ProbePolicy = { deny: ["loopback"], allow: ["127.0.0.1/32"], ca: [] };
    expect(await runCheck(check(url()), ctx(resolver, policy))).toMatchObject({ status: "up" });
    state.address = "127.0.0.2";
    const rebound = await runCheck(check(url()), ctx(resolver, policy));
    expect(rebound).toMatchObject({ status: "down", errorClass: "blocked" });
    expect(rebound.message).toMatch(/127\.0\.0\.2 is loopback/);
    state.address = "169.254.169.254";
    const metadata = await runCheck(check(url()), ctx(resolver, policy));
    expect(metadata).toMatchObject({ status: "down", errorClass: "blocked" });
    expect(metadata.message).toMatch(/169\.254\.169\.254 is link-local/);
    expect(plain.connections).toBe(1);
    expect(moved.connections).toBe(0);
  });
});

describe.skipIf(!hasOpenssl())("https checks connect and handshake afresh each run", () => {
  let pki: TestPki;
  let secure: Counted;
  let base = "";
  let policy: ProbePolicy;
  beforeAll(async () => {
    pki = makePki();
    policy = { deny: [], allow: [], ca: [pki.ca] };
    secure = counted(
      httpsServer(pki.leaf, () => {}),
      "TLS",
    );
    // The leaf names localhost; the test's resolver answers for it.
    base = `https://localhost:${await listen(secure.server)}`;
  });
  afterAll(() => close(secure.server));
  afterEach(() => {
    secure.connections = 0;
  });

  it("opens and handshakes a connection per run, each timed: dns, connect, tls, first byte", async () => {
    const { resolver } = switchableResolver("127.0.0.1");
    const runs = [
      await runCheck(check(`${base}/`), ctx(resolver, policy)),
      await runCheck(check(`${base}/`), ctx(resolver, policy)),
    ];
    for (const r of runs) {
      expect(r).toMatchObject({ status: "up", errorClass: null });
      expect(r.phases.dns).toBeGreaterThanOrEqual(0);
      expect(r.phases.connect).toBeGreaterThanOrEqual(0);
      expect(r.phases.tls).toBeGreaterThan(0);
      expect(r.phases.firstByte).toBeGreaterThanOrEqual(0);
    }
    expect(secure.connections).toBe(2);
  });

  it("with reuse: true the second run skips the handshake", async () => {
    const { resolver } = switchableResolver("127.0.0.1");
    const first = await runCheck(check(`${base}/`, { reuse: true }), ctx(resolver, policy));
    await between();
    const second = await runCheck(check(`${base}/`, { reuse: true }), ctx(resolver, policy));
    expect(first.phases.tls).toBeGreaterThan(0);
    expect(second).toMatchObject({ status: "up" });
    expect(second.phases.tls).toBeUndefined();
    expect(secure.connections).toBe(1);
  });

  it("a failing run's observation carries all four phases", async () => {
    const { resolver } = switchableResolver("127.0.0.1");
    const c = check(`${base}/busy`);
    const result = await runCheck(c, ctx(resolver, policy));
    expect(result).toMatchObject({ status: "down", errorClass: "http-5xx" });
    const [observation] = resultObservations("probe/local", c, result, Date.now());
    expect(Object.keys(observation?.phases ?? {}).sort()).toEqual([
      "connect",
      "dns",
      "firstByte",
      "tls",
      "total",
    ]);
  });
});
