/** tcp, dns and tls runners against real local servers: listeners, a dns2 name server, a silent UDP socket. */
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DnsCheck, TcpCheck, TlsCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import type { ProbePolicy } from "../src/probe/target-guard.js";
import {
  checkBase,
  close,
  closedPort,
  dnsServer,
  hasOpenssl,
  listen,
  makePki,
  probeCtx,
  silentUdp,
  type TestPki,
} from "./probe-fixtures.js";

const tcp = (port: number, extra: Partial<TcpCheck> = {}): TcpCheck => ({
  ...checkBase(),
  type: "tcp",
  host: "127.0.0.1",
  port,
  ...extra,
});

describe("tcp checks", () => {
  const banner = net.createServer((s) => s.end("SSH-2.0-OpenSSH_9.6\r\n"));
  const silent = net.createServer(() => {});
  let bannerPort = 0;
  let silentPort = 0;
  beforeAll(async () => {
    bannerPort = await listen(banner);
    silentPort = await listen(silent);
  });
  afterAll(() => Promise.all([close(banner), close(silent)]));

  it("is up when it connects, with a connect phase", async () => {
    const r = await runCheck(tcp(silentPort), probeCtx());
    expect(r).toMatchObject({ status: "up", errorClass: null });
    expect(r.phases.connect).toBeGreaterThanOrEqual(0);
    expect(r.phases.dns).toBeUndefined();
  });

  it("checks the banner", async () => {
    expect(await runCheck(tcp(bannerPort, { expectBanner: "SSH-2.0" }), probeCtx())).toMatchObject({
      status: "up",
    });
    const wrong = await runCheck(tcp(bannerPort, { expectBanner: "220 smtp" }), probeCtx());
    expect(wrong).toMatchObject({ status: "down", errorClass: "assertion" });
  });

  it("times out on a listener that accepts and never speaks", async () => {
    const r = await runCheck(tcp(silentPort, { expectBanner: "SSH", timeoutMs: 300 }), probeCtx());
    expect(r).toMatchObject({ status: "down", errorClass: "timeout" });
  });

  it("is connect-refused on a closed port", async () => {
    expect(await runCheck(tcp(await closedPort()), probeCtx())).toMatchObject({
      errorClass: "connect-refused",
    });
  });

  it("refuses a metadata address without connecting", async () => {
    const r = await runCheck(tcp(80, { host: "169.254.169.254" }), probeCtx());
    expect(r).toMatchObject({ status: "down", errorClass: "blocked" });
  });
});

describe("dns checks (dns2 server on loopback)", () => {
  let server = "";
  let silent = "";
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    const s = await dnsServer({
      "api.acme.test": { A: ["192.0.2.10", "192.0.2.11"], TXT: ["v=spf1 -all"] },
      "mail.acme.test": { MX: [[10, "mx1.acme.test"]] },
      "broken.acme.test": { rcode: "SERVFAIL" },
      "empty.acme.test": { A: [] },
    });
    const q = await silentUdp();
    server = s.server;
    silent = q.server;
    closers.push(s.close, q.close);
  });
  afterAll(() => {
    for (const c of closers) c();
  });
  const dns = (name: string, extra: Partial<DnsCheck> = {}): DnsCheck => ({
    ...checkBase(),
    type: "dns",
    name,
    recordType: "A",
    server,
    expect: "non-empty",
    ...extra,
  });

  it("is up with answers, and judges exact and contains", async () => {
    const r = await runCheck(dns("api.acme.test"), probeCtx());
    expect(r).toMatchObject({ status: "up", errorClass: null });
    expect(r.message).toContain("192.0.2.10");
    expect(r.phases.dns).toBeGreaterThanOrEqual(0);
    const exact = dns("api.acme.test", { expect: { exact: ["192.0.2.11", "192.0.2.10"] } });
    expect((await runCheck(exact, probeCtx())).status).toBe("up");
    const wrong = await runCheck(dns("api.acme.test", { expect: { exact: ["192.0.2.10"] } }), probeCtx());
    expect(wrong).toMatchObject({ status: "down", errorClass: "dns" });
    expect(wrong.message).toMatch(/^mismatch/);
    const txt = dns("api.acme.test", { recordType: "TXT", expect: { contains: "spf1" } });
    expect((await runCheck(txt, probeCtx())).status).toBe("up");
    const mx = await runCheck(
      dns("mail.acme.test", { recordType: "MX", expect: { exact: ["10 mx1.acme.test"] } }),
      probeCtx(),
    );
    expect(mx.status).toBe("up");
  });

  it("tells NXDOMAIN, SERVFAIL, empty and timeout apart", async () => {
    const nx = await runCheck(dns("nope.acme.test"), probeCtx());
    const servfail = await runCheck(dns("broken.acme.test"), probeCtx());
    const empty = await runCheck(dns("empty.acme.test"), probeCtx());
    const timeout = await runCheck(dns("api.acme.test", { server: silent, timeoutMs: 400 }), probeCtx());
    for (const r of [nx, servfail, empty, timeout])
      expect(r).toMatchObject({ status: "down", errorClass: "dns" });
    expect(nx.message).toMatch(/^NXDOMAIN/);
    expect(servfail.message).toMatch(/^SERVFAIL/);
    expect(empty.message).toMatch(/^NODATA/);
    expect(timeout.message).toMatch(/^TIMEOUT/);
  });

  it("guards the name server's address", async () => {
    const r = await runCheck(dns("api.acme.test", { server: "169.254.169.253:53" }), probeCtx());
    expect(r).toMatchObject({ status: "down", errorClass: "blocked" });
    const policy: ProbePolicy = { deny: ["loopback"], allow: [], ca: [] };
    expect(await runCheck(dns("api.acme.test"), probeCtx({ policy }))).toMatchObject({
      errorClass: "blocked",
    });
  });
});

describe.skipIf(!hasOpenssl())("tls checks (test CA made with openssl)", () => {
  let pki: TestPki;
  const servers: net.Server[] = [];
  const port: Record<string, number> = {};
  beforeAll(async () => {
    pki = makePki();
    for (const [name, pair] of Object.entries({
      good: pki.leaf,
      short: pki.shortLived,
      expired: pki.expired,
      wrong: pki.wrongHost,
    })) {
      const s = tls.createServer({ key: pair.key, cert: pair.cert }, (socket) => socket.end());
      servers.push(s);
      port[name] = await listen(s);
    }
  });
  afterAll(() => Promise.all(servers.map(close)));
  const check = (name: string, extra: Partial<TlsCheck> = {}): TlsCheck => ({
    ...checkBase(),
    type: "tls",
    host: "127.0.0.1",
    port: port[name]!,
    degradedUnderDays: 14,
    ...extra,
  });
  const trusting = () => probeCtx({ policy: { deny: [], allow: [], ca: [pki.ca] } as ProbePolicy });

  it("is up for a valid chain that names the host, with connect and TLS phases", async () => {
    const r = await runCheck(check("good"), trusting());
    expect(r).toMatchObject({ status: "up", errorClass: null });
    expect(r.message).toMatch(/expires in (29|30)\.\d days/);
    expect(r.phases.tls).toBeGreaterThan(0);
    const byName = await runCheck(check("good", { host: "localhost" }), trusting());
    expect(byName.status).toBe("up");
  });

  it("is degraded near expiry, down when expired, untrusted or for another name", async () => {
    expect(await runCheck(check("short"), trusting())).toMatchObject({
      status: "degraded",
      errorClass: null,
    });
    expect((await runCheck(check("short", { degradedUnderDays: 0.5 }), trusting())).status).toBe("up");
    const expired = await runCheck(check("expired"), trusting());
    expect(expired).toMatchObject({ status: "down", errorClass: "tls" });
    expect(expired.message).toContain("CERT_HAS_EXPIRED");
    const untrusted = await runCheck(check("good"), probeCtx());
    expect(untrusted).toMatchObject({ status: "down", errorClass: "tls" });
    const wrong = await runCheck(check("wrong"), trusting());
    expect(wrong).toMatchObject({ status: "down", errorClass: "tls" });
    expect(wrong.message).toMatch(/127\.0\.0\.1/);
  });

  it("is a tls failure when the server does not speak TLS", async () => {
    const plain = net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const p = await listen(plain);
    try {
      const r = await runCheck({ ...check("good"), port: p }, trusting());
      expect(r).toMatchObject({ status: "down", errorClass: "tls" });
    } finally {
      await close(plain);
    }
  });
});
