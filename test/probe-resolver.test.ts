/**
 * `probes.resolver`: http, tls and dns checks resolve names through the configured DNS server (a dns2
 * server on loopback here) instead of the system's resolver; the guard still judges the resolver's address
 * and every address it returns; config errors name the file, line and key path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { SourceError } from "../src/model/model-errors.js";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { Check } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { nameServerFor, parseNameServer } from "../src/probe/name-server.js";
import { runCheck } from "../src/probe/run-check.js";
import { DEFAULT_PROBE_POLICY, type ProbePolicy } from "../src/probe/target-guard.js";
import {
  checkBase,
  close,
  dnsServer,
  hasOpenssl,
  httpServer,
  httpsServer,
  listen,
  makePki,
  silentUdp,
} from "./probe-fixtures.js";

function errors(text: string): string[] {
  try {
    parseConfig("epicenter.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("probes.resolver in epicenter.yaml", () => {
  it("takes one server for all, or a default with per-vantage overrides", () => {
    const one = parseConfig("epicenter.yaml", "probes: { resolver: 127.0.0.1:5353 }\n");
    expect(nameServerFor(one.resolvers, "probe/a")).toBe("127.0.0.1:5353");
    const per = parseConfig(
      "epicenter.yaml",
      `vantages: [probe/a, probe/b]
probes:
  resolver:
    default: "[::1]:53"
    vantages: { probe/b: 10.0.0.53:53 }
`,
    );
    expect(nameServerFor(per.resolvers, "probe/a")).toBe("[::1]:53");
    expect(nameServerFor(per.resolvers, "probe/b")).toBe("10.0.0.53:53");
    expect(nameServerFor(parseConfig("x.yaml", "catalog: false\n").resolvers, "probe/a")).toBeUndefined();
  });

  it("names the file, line and key path of a bad address or an unknown vantage", () => {
    expect(errors("catalog: false\nprobes:\n  resolver: dns.example:53\n")).toEqual([
      'epicenter.yaml:3 probes.resolver: must be host:port with an IP address, like 127.0.0.1:5353 or [::1]:53, not "dns.example:53"',
    ]);
    expect(
      errors("catalog: false\nprobes:\n  resolver:\n    vantages:\n      probe/a: 127.0.0.1:99999\n"),
    ).toEqual([
      'epicenter.yaml:5 probes.resolver.vantages.probe/a: must be host:port with an IP address, like 127.0.0.1:5353 or [::1]:53, not "127.0.0.1:99999"',
    ]);
    expect(
      errors("vantages: [probe/a]\nprobes:\n  resolver:\n    vantages: { probe/z: 127.0.0.1:53 }\n"),
    ).toEqual([
      'epicenter.yaml:4 probes.resolver.vantages.probe/z: unknown vantage "probe/z"; the config\'s vantages are probe/a',
    ]);
  });

  it("parses only IP literals with a port in range", () => {
    expect(parseNameServer("127.0.0.1:53")).toEqual({ host: "127.0.0.1", port: 53 });
    expect(parseNameServer("[::1]:5353")).toEqual({ host: "::1", port: 5353 });
    for (const bad of ["127.0.0.1", "::1:53", "localhost:53", "127.0.0.1:0", "300.1.1.1:53", "[::1]:"])
      expect(parseNameServer(bad)).toBeUndefined();
  });
});

describe("checks resolve through probes.resolver", () => {
  let port = 0;
  let tlsPort = 0;
  const plain = httpServer((_req, res) => res.end("ok"));
  const pki = hasOpenssl() ? makePki() : undefined;
  const secure = pki ? httpsServer(pki.leaf, (_req, res) => res.end("ok")) : undefined;
  let dns: { server: string; close: () => void };
  let silent: { server: string; close: () => void };
  const agents = new HttpAgents();

  beforeAll(async () => {
    port = await listen(plain);
    if (secure) tlsPort = await listen(secure);
    dns = await dnsServer({
      // Names the system's resolver has never heard of: only the configured server knows them.
      "svc.epicenter.test": { A: ["127.0.0.1"] },
      "localhost.epicenter.test": { A: ["127.0.0.1"] },
      "metadata.epicenter.test": { A: ["169.254.169.254"] },
      "broken.epicenter.test": { rcode: "SERVFAIL" },
    });
    silent = await silentUdp();
  });
  afterAll(async () => {
    dns.close();
    silent.close();
    await agents.close();
    await close(plain);
    if (secure) await close(secure);
  });

  const http = (url: string): Check => ({ ...checkBase(), ...httpDefaults(), type: "http", url });
  const run = (check: Check, nameServer: string, policy: ProbePolicy = DEFAULT_PROBE_POLICY) =>
    runCheck(check, { signal: new AbortController().signal, http: agents, nameServer, policy });

  it("http: a name only the resolver knows is up, with a DNS phase; an unknown one is NXDOMAIN", async () => {
    const up = await run(http(`http://svc.epicenter.test:${port}/`), dns.server);
    expect(up).toMatchObject({ status: "up", errorClass: null });
    expect(up.phases.dns).toBeGreaterThan(0);
    const gone = await run(http(`http://gone.epicenter.test:${port}/`), dns.server);
    expect(gone).toMatchObject({ status: "down", errorClass: "dns" });
    expect(gone.message).toMatch(/^NXDOMAIN.*gone\.epicenter\.test/);
    const failing = await run(http(`http://broken.epicenter.test:${port}/`), dns.server);
    expect(failing).toMatchObject({ status: "down", errorClass: "dns" });
    expect(failing.message).toMatch(/^SERVFAIL/);
  });

  it("http: a resolver that never answers is a dns timeout, not a connect timeout", async () => {
    const result = await run(
      { ...http(`http://svc.epicenter.test:${port}/`), timeoutMs: 4000 },
      silent.server,
    );
    expect(result).toMatchObject({ status: "down", errorClass: "dns" });
    expect(result.message).toMatch(/^TIMEOUT/);
  });

  it("the guard judges the resolver's own address and every address it answers", async () => {
    const metadata = await run(http(`http://metadata.epicenter.test:${port}/`), dns.server);
    expect(metadata).toMatchObject({ status: "down", errorClass: "blocked" });
    expect(metadata.message).toMatch(/169\.254\.169\.254/);
    const noLoopback: ProbePolicy = { deny: ["loopback"], allow: [], ca: [] };
    for (const check of [
      http(`http://svc.epicenter.test:${port}/`),
      { ...checkBase(), type: "dns", name: "svc.epicenter.test", recordType: "A", expect: "non-empty" },
    ] as Check[]) {
      const refused = await run(check, dns.server, noLoopback);
      expect(refused).toMatchObject({ status: "down", errorClass: "blocked" });
      expect(refused.message).toMatch(/refused by the probe policy: 127\.0\.0\.1 is loopback/);
    }
  });

  it("dns: a check without its own server asks the configured one", async () => {
    const check = {
      ...checkBase(),
      type: "dns",
      name: "svc.epicenter.test",
      recordType: "A",
      expect: { exact: ["127.0.0.1"] },
    } as Check;
    expect(await run(check, dns.server)).toMatchObject({ status: "up", message: "127.0.0.1" });
  });

  it.skipIf(!pki)("tls: the handshake goes to the address the resolver gave", async () => {
    const check = {
      ...checkBase(),
      type: "tls",
      host: "localhost.epicenter.test",
      port: tlsPort,
      servername: "localhost",
      degradedUnderDays: 1,
    } as Check;
    const result = await run(check, dns.server, { ...DEFAULT_PROBE_POLICY, ca: [pki!.ca] });
    expect(result).toMatchObject({ status: "up", errorClass: null });
    expect(result.phases.dns).toBeGreaterThan(0);
  });
});
