/**
 * The target guard: the pure decision, and the adapter judging what a name resolves to. Names are resolved
 * by a dns2 server on loopback (nameServerResolver), so no hosts file or outside DNS is involved.
 */
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpDefaults } from "../src/probe/check-normalise.js";
import { nameServerResolver, resolveTarget } from "../src/probe/guarded-connect.js";
import { runCheck } from "../src/probe/run-check.js";
import {
  DEFAULT_PROBE_POLICY,
  guardAddress,
  type ProbePolicy,
  parseCidr,
  parseIp,
} from "../src/probe/target-guard.js";
import { checkBase, close, dnsServer, httpServer, listen, probeCtx } from "./probe-fixtures.js";

const policy = (p: Partial<ProbePolicy> = {}): ProbePolicy => ({ deny: [], allow: [], ca: [], ...p });
const allowed = (address: string, p?: Partial<ProbePolicy>) => guardAddress(address, policy(p)).allowed;

describe("guardAddress", () => {
  it("always refuses link-local and cloud metadata addresses", () => {
    for (const a of [
      "169.254.169.254",
      "169.254.0.1",
      "fe80::1",
      "fd00:ec2::254",
      "100.100.100.200",
      "0.0.0.0",
      "::",
      "::ffff:169.254.169.254",
      "::ffff:a9fe:a9fe",
      "64:ff9b::169.254.169.254",
      "224.0.0.1",
      "[fe80::1%eth0]",
    ])
      expect(allowed(a), a).toBe(false);
    expect(guardAddress("169.254.169.254", DEFAULT_PROBE_POLICY)).toMatchObject({ range: "169.254.0.0/16" });
  });

  it("allows public, loopback and private by default; deny closes them", () => {
    for (const a of [
      "93.184.216.34",
      "2606:4700::1111",
      "127.0.0.1",
      "::1",
      "10.1.2.3",
      "192.168.1.1",
      "fd12::1",
    ])
      expect(allowed(a), a).toBe(true);
    for (const a of [
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "100.64.0.1",
      "fd12::1",
      "::ffff:10.0.0.1",
    ])
      expect(allowed(a, { deny: ["private"] }), a).toBe(false);
    expect(allowed("172.32.0.1", { deny: ["private"] })).toBe(true);
    expect(allowed("127.0.0.2", { deny: ["loopback"] })).toBe(false);
    expect(allowed("::1", { deny: ["loopback"] })).toBe(false);
    expect(allowed("8.8.8.8", { deny: ["private", "loopback"] })).toBe(true);
  });

  it("reopens a range only with an allow as specific as the refusing range", () => {
    const p = { deny: ["private", "loopback"] as ProbePolicy["deny"] };
    expect(allowed("10.1.2.3", { ...p, allow: ["10.1.0.0/16"] })).toBe(true);
    expect(allowed("10.2.0.1", { ...p, allow: ["10.1.0.0/16"] })).toBe(false);
    expect(allowed("10.1.2.3", { ...p, allow: ["0.0.0.0/0"] })).toBe(false);
    expect(allowed("169.254.169.254", { allow: ["169.254.169.254/32"] })).toBe(true);
    expect(allowed("169.254.169.253", { allow: ["169.254.169.254/32"] })).toBe(false);
    expect(allowed("169.254.169.254", { allow: ["0.0.0.0/0", "::/0"] })).toBe(false);
  });

  it("refuses what is not an address", () => {
    for (const a of ["example.com", "1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", ""])
      expect(allowed(a), a).toBe(false);
  });

  test.prop([fc.ipV4()])("parses every IPv4 address, and the mapped IPv6 form is judged the same", (ip) => {
    expect(parseIp(ip)).toHaveLength(4);
    for (const p of [policy(), policy({ deny: ["private", "loopback"] })])
      expect(guardAddress(`::ffff:${ip}`, p).allowed).toBe(guardAddress(ip, p).allowed);
  });

  test.prop([fc.ipV6()])("parses every IPv6 address", (ip) => {
    expect(parseIp(ip)).toHaveLength(16);
  });

  it("parses CIDRs", () => {
    expect(parseCidr("10.0.0.0/8")).toMatchObject({ prefix: 8 });
    expect(parseCidr("::1")).toMatchObject({ prefix: 128 });
    for (const bad of ["10.0.0.0/33", "10.0.0.0/x", "::/129", "nope/8", "1.2.3.4/8/9"])
      expect(parseCidr(bad), bad).toBeUndefined();
  });
});

describe("names resolving into refused ranges (dns2 server on loopback)", () => {
  let dns: { server: string; close: () => void };
  const web = httpServer((_req, res) => res.end("ok"));
  let port = 0;
  beforeAll(async () => {
    dns = await dnsServer({
      "metadata.evil.test": { A: ["169.254.169.254"] },
      "mixed.evil.test": { A: ["169.254.169.254", "127.0.0.1"] },
      "intranet.acme.test": { A: ["10.20.30.40"] },
      "web.acme.test": { A: ["127.0.0.1"] },
    });
    port = await listen(web);
  });
  afterAll(async () => {
    dns.close();
    await close(web);
  });

  it("refuses a name that resolves to a metadata address, naming both", async () => {
    const resolver = nameServerResolver(dns.server);
    await expect(resolveTarget("metadata.evil.test", { resolver })).rejects.toMatchObject({
      errorClass: "blocked",
      message: expect.stringContaining("metadata.evil.test resolves to 169.254.169.254"),
    });
    await expect(
      resolveTarget("intranet.acme.test", { resolver, policy: policy({ deny: ["private"] }) }),
    ).rejects.toMatchObject({
      errorClass: "blocked",
    });
    expect(await resolveTarget("intranet.acme.test", { resolver })).toEqual({
      address: "10.20.30.40",
      family: 4,
    });
  });

  it("connects to the allowed address of a mixed answer, never the refused one", async () => {
    const resolver = nameServerResolver(dns.server);
    expect(await resolveTarget("mixed.evil.test", { resolver })).toEqual({ address: "127.0.0.1", family: 4 });
  });

  it("an http check to such a name is down with error class blocked; a good name is up", async () => {
    const resolver = nameServerResolver(dns.server);
    const check = (host: string) => ({
      ...checkBase(),
      ...httpDefaults(),
      type: "http" as const,
      url: `http://${host}:${port}/`,
    });
    expect(await runCheck(check("metadata.evil.test"), probeCtx({ resolver }))).toMatchObject({
      status: "down",
      errorClass: "blocked",
    });
    const good = await runCheck(check("web.acme.test"), probeCtx({ resolver }));
    expect(good).toMatchObject({ status: "up" });
    expect(good.phases.dns).toBeGreaterThanOrEqual(0);
    const nx = await runCheck(check("nope.acme.test"), probeCtx({ resolver }));
    expect(nx).toMatchObject({ status: "down", errorClass: "dns" });
    expect(nx.message).toMatch(/^NXDOMAIN/);
  });
});
