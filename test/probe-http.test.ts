/** The http/https runner against real local servers, with a test CA made by openssl. */
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { DEFAULT_PROBE_POLICY, type ProbePolicy } from "../src/probe/target-guard.js";
import {
  checkBase,
  close,
  closedPort,
  hasOpenssl,
  httpServer,
  httpsServer,
  listen,
  makePki,
  type TestPki,
} from "./probe-fixtures.js";

function httpCheck(url: string, extra: Partial<HttpCheck> = {}): HttpCheck {
  return {
    ...checkBase(),
    ...httpDefaults(),
    type: "http",
    url,
    ...extra,
  };
}

const ctx = (extra: { policy?: ProbePolicy; signal?: AbortSignal } = {}) => ({
  signal: extra.signal ?? new AbortController().signal,
  ...(extra.policy ? { policy: extra.policy } : {}),
});

const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  "/ok": (_q, res) => res.end("all ok here"),
  "/json": (_q, res) =>
    res.setHeader("content-type", "application/json").end('{"data":{"status":"ok","n":[1,2]}}'),
  "/500": (_q, res) => res.writeHead(503).end("busy"),
  "/404": (_q, res) => res.writeHead(404).end("nope"),
  "/echo": (req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => res.end(`${req.method} ${req.headers["x-probe"] ?? ""} ${body}`));
  },
  "/hang": () => {},
  "/loop": (_q, res) => res.writeHead(302, { location: "/loop" }).end(),
  "/signed-loop": (_q, res) =>
    res.writeHead(302, { location: "/signed-loop?X-Amz-Signature=zq-sig-1&part=2&token=zq-tok-2" }).end(),
  "/to-ok": (_q, res) => res.writeHead(301, { location: "/ok" }).end(),
  "/to-metadata": (_q, res) =>
    res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
};
const handler = (req: http.IncomingMessage, res: http.ServerResponse) =>
  (routes[new URL(req.url ?? "/", "http://x").pathname] ?? routes["/404"]!)(req, res);

describe("http checks", () => {
  const server = httpServer(handler);
  let base = "";
  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => close(server));

  it("is up with a 200 and reports its phases", async () => {
    const r = await runCheck(httpCheck(`${base}/ok`, { bodyContains: "ok" }), ctx());
    expect(r).toMatchObject({ status: "up", errorClass: null });
    expect(r.phases.total).toBeGreaterThan(0);
    expect(r.phases.firstByte).toBeGreaterThanOrEqual(0);
    expect(r.latencyMs).toBe(r.phases.total);
  });

  it("times DNS, connect and first byte for a name on a fresh connection", async () => {
    const port = new URL(base).port;
    const r = await runCheck(
      httpCheck(`http://localhost:${port}/ok`),
      ctx({ policy: { ...DEFAULT_PROBE_POLICY } }),
    );
    expect(r.status).toBe("up");
    expect(r.phases.dns).toBeGreaterThanOrEqual(0);
    expect(r.phases.connect).toBeGreaterThanOrEqual(0);
    expect(r.phases.firstByte).toBeGreaterThanOrEqual(0);
    expect(r.phases.tls).toBeUndefined();
  });

  it("classes 5xx, 4xx and an unexpected 2xx", async () => {
    expect(await runCheck(httpCheck(`${base}/500`), ctx())).toMatchObject({
      status: "down",
      errorClass: "http-5xx",
    });
    expect(await runCheck(httpCheck(`${base}/404`), ctx())).toMatchObject({
      status: "down",
      errorClass: "http-4xx",
    });
    const onlyCreated = httpCheck(`${base}/ok`, { expectStatus: [[201, 201]] });
    expect(await runCheck(onlyCreated, ctx())).toMatchObject({ status: "down", errorClass: "assertion" });
    const expected404 = httpCheck(`${base}/404`, { expectStatus: [[404, 404]] });
    expect((await runCheck(expected404, ctx())).status).toBe("up");
  });

  it("asserts on the body: contains, regex, JSON path", async () => {
    const json = `${base}/json`;
    expect(
      (await runCheck(httpCheck(json, { jsonPath: { path: "data.status", equals: "ok" } }), ctx())).status,
    ).toBe("up");
    expect(
      (await runCheck(httpCheck(json, { jsonPath: { path: "data.n", equals: [1, 2] } }), ctx())).status,
    ).toBe("up");
    const wrong = await runCheck(
      httpCheck(json, { jsonPath: { path: "data.status", equals: "bad" } }),
      ctx(),
    );
    expect(wrong).toMatchObject({ status: "down", errorClass: "assertion" });
    expect(wrong.message).toContain('data.status is "ok"');
    expect((await runCheck(httpCheck(json, { bodyRegex: '"n":\\[1' }), ctx())).status).toBe("up");
    const missing = await runCheck(httpCheck(`${base}/ok`, { bodyContains: "healthy" }), ctx());
    expect(missing).toMatchObject({ status: "down", errorClass: "assertion" });
  });

  it("sends method, headers and body", async () => {
    const check = httpCheck(`${base}/echo`, { method: "POST", headers: { "x-probe": "yes" }, body: "ping" });
    expect((await runCheck({ ...check, bodyContains: "POST yes ping" }, ctx())).status).toBe("up");
  });

  it("is degraded over its latency threshold", async () => {
    const r = await runCheck(httpCheck(`${base}/ok`, { degradedOverMs: 0 }), ctx());
    expect(r).toMatchObject({ status: "degraded", errorClass: null });
  });

  it("follows redirects, stops loops, and can be told not to follow", async () => {
    expect(await runCheck(httpCheck(`${base}/to-ok`, { bodyContains: "all ok" }), ctx())).toMatchObject({
      status: "up",
    });
    expect(await runCheck(httpCheck(`${base}/loop`), ctx())).toMatchObject({
      status: "down",
      errorClass: "protocol",
    });
    // A redirect's Location goes into the stored message with its credentials hidden.
    const signed = await runCheck(httpCheck(`${base}/signed-loop`), ctx());
    expect(signed.message).toContain("X-Amz-Signature=redacted&part=2&token=redacted");
    expect(signed.message).not.toMatch(/zq-(sig|tok)/);
    const noFollow = httpCheck(`${base}/to-ok`, { followRedirects: false, expectStatus: [[200, 299]] });
    expect(await runCheck(noFollow, ctx())).toMatchObject({ status: "down", errorClass: "assertion" });
  });

  it("times out on a server that never answers", async () => {
    const r = await runCheck(httpCheck(`${base}/hang`, { timeoutMs: 300 }), ctx());
    expect(r).toMatchObject({ status: "down", errorClass: "timeout" });
  });

  it("honours the caller's signal", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const r = await runCheck(httpCheck(`${base}/hang`), ctx({ signal: abort.signal }));
    expect(r).toMatchObject({ status: "down", errorClass: "timeout" });
  });

  it("is connect-refused on a closed port", async () => {
    const r = await runCheck(httpCheck(`http://127.0.0.1:${await closedPort()}/`), ctx());
    expect(r).toMatchObject({ status: "down", errorClass: "connect-refused" });
  });

  it("refuses a redirect into cloud metadata", async () => {
    const r = await runCheck(httpCheck(`${base}/to-metadata`), ctx());
    expect(r).toMatchObject({ status: "down", errorClass: "blocked" });
    expect(r.message).toContain("169.254.169.254");
  });

  it("refuses loopback when the policy denies it", async () => {
    const policy: ProbePolicy = { deny: ["loopback"], allow: [], ca: [] };
    const r = await runCheck(httpCheck(`${base}/ok`), ctx({ policy }));
    expect(r).toMatchObject({ status: "down", errorClass: "blocked" });
    const reopened: ProbePolicy = { ...policy, allow: ["127.0.0.1/32"] };
    expect((await runCheck(httpCheck(`${base}/ok`), ctx({ policy: reopened }))).status).toBe("up");
  });

  it("binds the vantage's source address", async () => {
    const seen: string[] = [];
    const s = httpServer((req, res) => {
      seen.push(req.socket.remoteAddress ?? "");
      res.end("ok");
    });
    const port = await listen(s);
    try {
      const r = await runCheck(httpCheck(`http://127.0.0.1:${port}/`), {
        ...ctx(),
        localAddress: "127.0.0.2",
      });
      expect(r.status).toBe("up");
      expect(seen).toEqual(["127.0.0.2"]);
    } finally {
      await close(s);
    }
  });
});

describe.skipIf(!hasOpenssl())("https checks (test CA made with openssl)", () => {
  let pki: TestPki;
  const servers: http.Server[] = [];
  const url: Record<string, string> = {};
  beforeAll(async () => {
    pki = makePki();
    for (const [name, pair] of Object.entries({
      good: pki.leaf,
      expired: pki.expired,
      wrong: pki.wrongHost,
    })) {
      const s = httpsServer(pair, handler);
      servers.push(s);
      url[name] = `https://127.0.0.1:${await listen(s)}`;
    }
  });
  afterAll(() => Promise.all(servers.map(close)));
  const trusting = () => ({ deny: [], allow: [], ca: [pki.ca] }) as ProbePolicy;

  it("is up with the test CA as an anchor, with a TLS phase", async () => {
    const r = await runCheck(httpCheck(`${url.good}/ok`), ctx({ policy: trusting() }));
    expect(r).toMatchObject({ status: "up", errorClass: null });
    expect(r.phases.tls).toBeGreaterThan(0);
  });

  it("verifies TLS by default: an unknown CA is a tls failure", async () => {
    const r = await runCheck(httpCheck(`${url.good}/ok`), ctx());
    expect(r).toMatchObject({ status: "down", errorClass: "tls" });
  });

  it("fails an expired certificate and a certificate for another name", async () => {
    const policy = trusting();
    expect(await runCheck(httpCheck(`${url.expired}/ok`), ctx({ policy }))).toMatchObject({
      errorClass: "tls",
    });
    expect(await runCheck(httpCheck(`${url.wrong}/ok`), ctx({ policy }))).toMatchObject({
      errorClass: "tls",
    });
  });

  it("accepts anything with tlsVerify off", async () => {
    const r = await runCheck(httpCheck(`${url.expired}/ok`, { tlsVerify: false }), ctx());
    expect(r.status).toBe("up");
  });
});
