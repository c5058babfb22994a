/**
 * The demo's name server: the packet codec's round trip and its behaviour on hostile bytes (fast-check),
 * and the UDP server as node:dns's own resolver sees it: A, AAAA, CNAME, NXDOMAIN, a record removed while it
 * runs, a zone answering SERVFAIL and a zone dropping queries.
 */
import { promises } from "node:dns";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../src/demo/demo-dns-server.js";
import {
  CLASS_IN,
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  RCODE,
  TYPE,
} from "../src/demo/dns-packet.js";
import { DnsZones } from "../src/demo/dns-zones.js";

const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join("."));
const ipv4 = fc.ipV4();
const ipv6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((n) => n.toString(16)).join(":"));
const u16 = fc.integer({ min: 0, max: 0xffff });
const base = { name, class: u16, ttl: fc.integer({ min: 0, max: 0xffff_ffff }) };
const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  fc.record({ ...base, type: fc.constant<number>(TYPE.A), data: ipv4 }),
  fc.record({ ...base, type: fc.constant<number>(TYPE.AAAA), data: ipv6 }),
  fc.record({ ...base, type: fc.constant<number>(TYPE.CNAME), data: name }),
  fc.record({
    ...base,
    type: fc.constantFrom(16, 15, 41),
    data: fc
      .uint8Array({ maxLength: 40 })
      .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")),
  }),
);
const message: fc.Arbitrary<DnsMessage> = fc.record({
  id: u16,
  response: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 15 }),
  authoritative: fc.boolean(),
  truncated: fc.boolean(),
  recursionDesired: fc.boolean(),
  recursionAvailable: fc.boolean(),
  rcode: fc.integer({ min: 0, max: 15 }),
  questions: fc.array(fc.record({ name, type: u16, class: u16 }), { maxLength: 3 }),
  answers: fc.array(record, { maxLength: 4 }),
  authority: fc.array(record, { maxLength: 2 }),
  additional: fc.array(record, { maxLength: 2 }),
});

const query = (id: number, qname: string, type: number): DnsMessage => ({
  id,
  response: false,
  opcode: 0,
  authoritative: false,
  truncated: false,
  recursionDesired: true,
  recursionAvailable: false,
  rcode: 0,
  questions: [{ name: qname, type, class: CLASS_IN }],
  answers: [],
  authority: [],
  additional: [],
});

function zones(): DnsZones {
  const z = new DnsZones();
  z.set("dyn", "api.shop.test", { A: ["127.0.1.1"], AAAA: ["::1"] });
  z.set("dyn", "www.shop.test", { CNAME: "edge.cdn.test" });
  z.set("ns1", "edge.cdn.test", { A: ["127.0.1.2"] });
  return z;
}

describe("DNS packets", () => {
  it("decode(encode(m)) is m for every message", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, message: m });
      }),
    );
  });

  it("never throws on hostile bytes, and keeps the id when the header was readable", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const decoded = decodeMessage(bytes);
        if (!decoded.ok && bytes.length >= 12) expect(decoded.id).toBe((bytes[0]! << 8) | bytes[1]!);
        if (bytes.length < 12) expect(decoded.ok).toBe(false);
      }),
    );
  });

  it("refuses compression pointers that loop or point forward", () => {
    const header = [0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const selfLoop = Uint8Array.from([...header, 0xc0, 12, 0, 1, 0, 1]);
    expect(decodeMessage(selfLoop)).toEqual({ ok: false, reason: "compression pointer loops", id: 7 });
    const backwards = Uint8Array.from([...header, 3, 0x61, 0x62, 0x63, 0, 0, 1, 0, 1]);
    expect(decodeMessage(backwards)).toMatchObject({ ok: true, message: { questions: [{ name: "abc" }] } });
  });

  it("answers every hostile or mangled query with FORMERR-class replies or silence, never a throw", () => {
    const z = zones();
    const valid = encodeMessage(query(99, "api.shop.test", TYPE.A));
    const mangled = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
      fc
        .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        })
        .map((edits) => {
          const copy = valid.slice();
          for (const [at, value] of edits) copy[at] = value;
          return copy;
        }),
    );
    fc.assert(
      fc.property(mangled, (bytes) => {
        const out = z.answer(bytes);
        if (out === undefined) return;
        const decoded = decodeMessage(out);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.message.response).toBe(true);
        expect(decoded.message.id).toBe((bytes[0]! << 8) | bytes[1]!);
        expect([0, 1, 2, 3, 4, 5]).toContain(decoded.message.rcode);
      }),
    );
  });

  it("answers A, AAAA and CNAME chains from the zones, NXDOMAIN for the rest, per zone mode", () => {
    const z = zones();
    const ask = (qname: string, type: number) => {
      const out = z.answer(encodeMessage(query(1, qname, type)));
      return out && decodeMessage(out);
    };
    expect(ask("API.shop.test", TYPE.A)).toMatchObject({
      ok: true,
      message: {
        rcode: RCODE.NOERROR,
        authoritative: true,
        answers: [{ name: "API.shop.test", data: "127.0.1.1" }],
      },
    });
    expect(ask("www.shop.test", TYPE.A)).toMatchObject({
      message: {
        answers: [
          { type: TYPE.CNAME, data: "edge.cdn.test" },
          { name: "edge.cdn.test", data: "127.0.1.2" },
        ],
      },
    });
    expect(ask("nope.shop.test", TYPE.A)).toMatchObject({ message: { rcode: RCODE.NXDOMAIN, answers: [] } });
    z.setMode("ns1", "servfail");
    expect(ask("www.shop.test", TYPE.A)).toMatchObject({ message: { rcode: RCODE.SERVFAIL } });
    expect(ask("api.shop.test", TYPE.A)).toMatchObject({ message: { rcode: RCODE.NOERROR } });
    z.setMode("dyn", "drop");
    expect(ask("api.shop.test", TYPE.A)).toBeUndefined();
    expect(() => z.set("dyn", "bad.shop.test", { A: ["::1"] })).toThrow(/not an IPv4 address/);
  });
});

describe("the name server on loopback, asked by node:dns", () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ zones: zones() });
  });
  afterAll(() => dns.close());
  const code = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (e: NodeJS.ErrnoException) => e.code,
    );

  it("resolves, forgets a removed record, and fails as its zone is told to", async () => {
    const r = new promises.Resolver({ timeout: 300, tries: 1 });
    r.setServers([dns.server]);
    expect(await r.resolve4("api.shop.test")).toEqual(["127.0.1.1"]);
    expect(await r.resolve6("api.shop.test")).toEqual(["::1"]);
    expect(await r.resolve4("www.shop.test")).toEqual(["127.0.1.2"]);
    expect(await code(r.resolve4("missing.shop.test"))).toBe("ENOTFOUND");
    dns.zones.remove("api.shop.test");
    expect(await code(r.resolve4("api.shop.test"))).toBe("ENOTFOUND");
    dns.zones.setMode("ns1", "servfail");
    expect(await code(r.resolve4("edge.cdn.test"))).toBe("ESERVFAIL");
    dns.zones.setMode("ns1", "drop");
    expect(await code(r.resolve4("edge.cdn.test"))).toBe("ETIMEOUT");
    dns.zones.setMode("ns1", "answer");
    expect(await r.resolve4("edge.cdn.test")).toEqual(["127.0.1.2"]);
  });
});
