/**
 * `epicenter discover` end to end against a dns2 server on loopback serving zones that imitate real
 * setups, and a local TLS server with a test CA: no test touches the internet.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ZoneRecords, zoneServer } from "../bench/discovery-zones.js";
import { run } from "../src/cli/run.js";
import { parseConfig } from "../src/config/config-load.js";
import type { DiscoveryOutput, DomainResult } from "../src/discover/discovery-types.js";
import { captureIo } from "./capture-io.js";
import { hasOpenssl } from "./probe-fixtures.js";

const R53 = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net"];
const ZONES: Record<string, ZoneRecords> = {
  // Cloudflare name servers, apex proxied through Cloudflare's CDN.
  "cf.test": { NS: ["anna.ns.cloudflare.com", "bob.ns.cloudflare.com"], A: ["104.16.1.1"] },
  // Route 53 name servers, www on CloudFront.
  "cdn.test": { NS: R53, MX: [[10, "aspmx.l.google.com"]] },
  "www.cdn.test": { CNAME: "d111abc.cloudfront.net" },
  "d111abc.cloudfront.net": { A: ["13.224.0.5"] },
  "cloudfront.net": { NS: ["ns-5.awsdns-05.org"] },
  // Two DNS providers: redundant.
  "dual.test": { NS: ["dns1.p01.nsone.net", ...R53] },
  // An address in AWS's us-east-1 EC2 ranges.
  "ec2.test": { NS: R53, A: ["3.80.0.10"] },
  // Self-hosted: its own name servers, an address in no provider's ranges, a certificate from a test CA.
  "self.test": {
    NS: ["ns1.self.test", "ns2.self.test"],
    A: ["127.0.0.1"],
    SOA: ["ns1.self.test", "hostmaster.self.test"],
  },
  "stapled.test": { NS: ["ns1.stapled.test"], A: ["127.0.0.1"] },
  // Name servers in another registrable domain: private when the certificate's SAN names that domain...
  "alias.test": { NS: ["ns1.self.test"], A: ["127.0.0.1"] },
  // ...or when that domain has the site's SOA; third party when the SOA differs.
  "soa.test": { NS: ["ns.soa-host.test"], SOA: ["ns.soa-host.test", "admin.soa.test"] },
  "soa-host.test": { SOA: ["ns.soa-host.test", "admin.soa.test"] },
  "thirdp.test": { NS: ["ns.some-dns.test"], SOA: ["ns.some-dns.test", "admin.thirdp.test"] },
  "some-dns.test": { SOA: ["ns.some-dns.test", "hostmaster.some-dns.test"] },
};

let dns: { server: string; close: () => Promise<void> };
let dir: string;

beforeAll(async () => {
  dns = await zoneServer(ZONES);
  dir = mkdtempSync(join(tmpdir(), "epicenter-discover-"));
});
afterAll(async () => {
  await dns.close();
});

async function discover(args: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const { io, out, err } = captureIo(dir);
  const status = await run(["discover", "--resolver", dns.server, "--timeout", "2000", ...args], io);
  return { status, out, err };
}

async function discoverJson(args: string[]): Promise<DiscoveryOutput> {
  const r = await discover([...args, "--json", "--no-tls"]);
  expect(r.err).toEqual([]);
  expect(r.status).toBe(0);
  return JSON.parse(r.out.join("\n")) as DiscoveryOutput;
}

function domain(output: DiscoveryOutput, name: string): DomainResult {
  const d = output.domains.find((x) => x.domain === name && x.via === undefined);
  if (!d) throw new Error(`no result for ${name}`);
  return d;
}

describe("discover: DNS, CDN and IP ranges", () => {
  it("Cloudflare name servers and a Cloudflare address: cloudflare/dns and cloudflare/cdn, hard", async () => {
    const d = domain(await discoverJson(["cf.test"]), "cf.test");
    expect(d.requires).toEqual(["cloudflare/dns", "cloudflare/cdn"]);
    expect(d.evidence).toContainEqual(
      expect.objectContaining({ component: "cloudflare/dns", record: "cf.test NS anna.ns.cloudflare.com" }),
    );
    expect(d.evidence).toContainEqual(
      expect.objectContaining({ component: "cloudflare/cdn", record: "cf.test A 104.16.1.1" }),
    );
  });

  it("a CloudFront CNAME on www, Route 53, Google mail (soft), and CloudFront's own DNS one level down", async () => {
    const out = await discoverJson(["cdn.test"]);
    const d = domain(out, "cdn.test");
    expect(d.requires).toEqual(["aws/route53", "aws/cloudfront", { id: "google/mail", soft: true }]);
    expect(d.evidence).toContainEqual(
      expect.objectContaining({
        component: "aws/cloudfront",
        record: "www.cdn.test CNAME d111abc.cloudfront.net",
      }),
    );
    expect(d.evidence).toContainEqual(
      expect.objectContaining({ component: "aws/cloudfront", record: "d111abc.cloudfront.net A 13.224.0.5" }),
    );
    const indirect = out.domains.find((x) => x.via === "aws/cloudfront");
    expect(indirect?.domain).toBe("cloudfront.net");
    expect(out.components.find((c) => c.id === "aws/cloudfront")?.requires).toEqual(["aws", "aws/route53"]);
    expect(out.components.find((c) => c.id === "google/mail")?.requires).toEqual(["google"]);
  });

  it("two DNS providers are redundant (anyOf)", async () => {
    const d = domain(await discoverJson(["dual.test", "--depth", "0"]), "dual.test");
    expect(d.requires).toEqual([{ anyOf: ["aws/route53", "ns1/dns"] }]);
  });

  it("an address in AWS's published us-east-1 EC2 range is aws/us-east-1/ec2", async () => {
    const d = domain(await discoverJson(["ec2.test", "--depth", "0"]), "ec2.test");
    expect(d.requires).toEqual(["aws/route53", "aws/us-east-1/ec2"]);
    expect(d.evidence).toContainEqual(
      expect.objectContaining({
        record: "ec2.test A 3.80.0.10",
        reason: "in the published ranges of aws us-east-1 ec2",
      }),
    );
  });

  it("a self-hosted site has no third-party DNS or hosting; its evidence says why", async () => {
    const d = domain(await discoverJson(["self.test"]), "self.test");
    expect(d.requires).toEqual([]);
    expect(d.evidence.map((e) => e.reason)).toContain("private: same registrable domain");
    expect(d.evidence).toContainEqual(
      expect.objectContaining({ component: "self.test/hosting", record: "self.test A 127.0.0.1" }),
    );
  });

  it("the output loads as a config: catalog ids exist and declared components fill the gaps", async () => {
    const file = join(dir, "written.yaml");
    const r = await discover([
      "cf.test",
      "cdn.test",
      "dual.test",
      "ec2.test",
      "self.test",
      "--no-tls",
      "--write",
      file,
    ]);
    expect(r.status).toBe(0);
    const config = parseConfig(file, readFileSync(file, "utf8"));
    const ids = new Set(config.model.components.map((c) => c.id));
    for (const id of ["cf.test", "cdn.test", "aws/cloudfront", "google/mail", "google"])
      expect(ids).toContain(id);
  });

  it("SOA comparison: a name server domain with the site's SOA is private, another SOA third party", async () => {
    const out = await discoverJson(["soa.test", "thirdp.test", "--depth", "0"]);
    expect(domain(out, "soa.test").requires).toEqual([]);
    expect(domain(out, "soa.test").evidence[0]?.reason).toBe(
      "private: name server's domain has the site's SOA",
    );
    expect(domain(out, "thirdp.test").requires).toEqual(["some-dns.test/dns"]);
    expect(out.components.map((c) => c.id)).toContain("some-dns.test/dns");
  });

  it("a name server that does not answer is evidence of an unknown, not a crash", async () => {
    const { io, out } = captureIo(dir);
    const status = await run(
      ["discover", "nowhere.test", "--resolver", dns.server, "--json", "--no-tls"],
      io,
    );
    expect(status).toBe(0);
    const d = (JSON.parse(out.join("")) as DiscoveryOutput).domains[0]!;
    expect(d.requires).toEqual([]);
  });

  it("usage errors exit 2", async () => {
    expect((await discover([])).status).toBe(2);
    expect((await discover(["not a domain"])).status).toBe(2);
    expect((await discover(["cf.test", "--depth", "9"])).status).toBe(2);
  });
});

/** A CA and a leaf for 127.0.0.1 whose certificate names an OCSP responder. */
function makeOcspPki(): { key: string; cert: string } {
  const pki = mkdtempSync(join(tmpdir(), "epicenter-discover-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: pki, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/O=Epicenter Test CA/CN=Test Root",
  );
  ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=self.test");
  writeFileSync(
    join(pki, "leaf.ext"),
    "subjectAltName=DNS:self.test,DNS:www.self.test\nauthorityInfoAccess=OCSP;URI:http://ocsp.test-ca.invalid\n",
  );
  ssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "30",
    "-extfile",
    "leaf.ext",
  );
  return {
    key: readFileSync(join(pki, "leaf.key"), "utf8"),
    cert: readFileSync(join(pki, "leaf.pem"), "utf8"),
  };
}

describe.skipIf(!hasOpenssl())("discover: certificate authority", () => {
  let plain: tls.Server;
  let stapling: tls.Server;
  const port = (s: tls.Server) => String((s.address() as AddressInfo).port);

  beforeAll(async () => {
    const pair = makeOcspPki();
    plain = tls.createServer(pair, (socket) => socket.end());
    stapling = tls.createServer(pair, (socket) => socket.end());
    // A stapled response: the bytes are what the server sends; the client only needs to see one.
    stapling.on("OCSPRequest", (_cert, _issuer, callback) =>
      callback(null, Buffer.from("stapled-ocsp-response")),
    );
    await Promise.all([plain, stapling].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  });
  afterAll(() => {
    plain.close();
    stapling.close();
  });

  it("without OCSP stapling the CA's responder is a hard dependency", async () => {
    const r = await discover(["self.test", "--json", "--tls-port", port(plain)]);
    const d = domain(JSON.parse(r.out.join("")) as DiscoveryOutput, "self.test");
    expect(d.requires).toEqual(["ca/epicenter-test-ca"]);
    expect(d.evidence).toContainEqual(
      expect.objectContaining({
        component: "ca/epicenter-test-ca",
        record: 'self.test certificate issuer "Epicenter Test CA", OCSP http://ocsp.test-ca.invalid',
      }),
    );
  });

  it("with a stapled OCSP response the CA is soft", async () => {
    const r = await discover(["stapled.test", "--json", "--tls-port", port(stapling)]);
    const d = domain(JSON.parse(r.out.join("")) as DiscoveryOutput, "stapled.test");
    expect(d.requires).toEqual([{ id: "ca/epicenter-test-ca", soft: true }]);
  });

  it("the certificate's SAN marks a name server in another registrable domain as private", async () => {
    const r = await discover(["alias.test", "--json", "--tls-port", port(plain), "--depth", "0"]);
    const d = domain(JSON.parse(r.out.join("")) as DiscoveryOutput, "alias.test");
    expect(d.evidence[0]).toEqual({
      component: "alias.test/dns",
      record: "alias.test NS ns1.self.test",
      reason: "private: name server's domain is in the site certificate's SAN",
    });
    expect(d.requires).toEqual(["ca/epicenter-test-ca"]);
  });
});
