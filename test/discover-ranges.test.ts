/** IP parsing, the prefix trie against a linear scan, and the bundled snapshot's answers for known ranges. */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseCidr, parseIpv4, parseIpv6 } from "../src/discover/ip-address.js";
import { PrefixTrie } from "../src/discover/prefix-trie.js";
import { RangeTable, validateSnapshot } from "../src/discover/range-snapshot.js";
import { awsSource, flatSource, SourceFormatError } from "../src/discover/range-sources.js";
import { bundledSnapshotPath, readSnapshot } from "../src/discover/snapshot-file.js";

describe("IP text", () => {
  it("parses IPv4 and refuses what is not one", () => {
    expect(parseIpv4("3.80.0.10")).toBe(0x0350000a);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 "])
      expect(parseIpv4(bad)).toBe(-1);
  });

  it("parses IPv6 with :: and an IPv4 tail", () => {
    expect([...parseIpv6("2600:1f18::1")!]).toEqual([0x26001f18, 0, 0, 1]);
    expect([...parseIpv6("::ffff:1.2.3.4")!]).toEqual([0, 0, 0xffff, 0x01020304]);
    expect(parseIpv6("1::2::3")).toBeUndefined();
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });

  it("clears host bits of a CIDR and refuses bad lengths", () => {
    expect([...parseCidr("3.80.1.2/12")!.words]).toEqual([0x03500000]);
    expect(parseCidr("3.80.0.0/33")).toBeUndefined();
    expect(parseCidr("3.80.0.0")).toBeUndefined();
  });
});

/** Longest-prefix match by scanning every prefix: the baseline the trie must agree with. */
function linear(prefixes: [number, number][], address: number): number {
  let best = -1;
  let bestLength = -1;
  prefixes.forEach(([network, length], i) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    if ((address & mask) >>> 0 === network && length > bestLength) {
      best = i;
      bestLength = length;
    }
  });
  return best;
}

describe("prefix trie", () => {
  test.prop([
    fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 })), { maxLength: 60 }),
    fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 40 }),
  ])("agrees with a linear scan (longest prefix; first inserted at equal prefixes)", (raw, addresses) => {
    const seen = new Set<string>();
    const prefixes: [number, number][] = [];
    for (const [a, length] of raw) {
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      const network = (a & mask) >>> 0;
      if (seen.has(`${network}/${length}`)) continue;
      seen.add(`${network}/${length}`);
      prefixes.push([network, length]);
    }
    const trie = new PrefixTrie();
    prefixes.forEach(([n, l], i) => {
      trie.insert(parseCidr(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${l}`)!, i);
    });
    for (const a of [...addresses, ...prefixes.map(([n]) => n)])
      expect(trie.lookupV4(a)).toBe(linear(prefixes, a));
  });

  it("matches IPv6 prefixes by longest prefix", () => {
    const trie = new PrefixTrie();
    trie.insert(parseCidr("2600:1f00::/24")!, 0);
    trie.insert(parseCidr("2600:1f18::/32")!, 1);
    expect(trie.lookup("2600:1f18::5")).toBe(1);
    expect(trie.lookup("2600:1f20::5")).toBe(0);
    expect(trie.lookup("2a00::1")).toBe(-1);
    expect(trie.lookup("not an address")).toBe(-1);
  });
});

describe("the bundled snapshot", () => {
  const table = new RangeTable(readSnapshot(bundledSnapshotPath()).sources);

  it("names provider, region and service as the providers publish them", () => {
    expect(table.lookup("3.80.0.10")).toEqual({ provider: "aws", region: "us-east-1", service: "ec2" });
    expect(table.lookup("13.224.0.5")).toEqual({ provider: "aws", region: "global", service: "cloudfront" });
    expect(table.lookup("104.16.1.1")).toEqual({ provider: "cloudflare", region: "", service: "" });
    expect(table.lookup("151.101.1.1")?.provider).toBe("fastly");
    expect(table.lookup("2606:4700::1")?.provider).toBe("cloudflare");
    expect(table.lookup("127.0.0.1")).toBeUndefined();
  });

  it("a GCP address carries its region, an Azure one its region", () => {
    expect(table.lookup("34.35.0.1")).toEqual({ provider: "gcp", region: "africa-south1", service: "" });
    const azure = table.trie.size.prefixes;
    expect(azure).toBeGreaterThan(30_000);
  });
});

describe("source validation", () => {
  it("refuses a malformed prefix, a truncated list and a snapshot of another format", () => {
    expect(() => flatSource({ provider: "X", ipv4: ["1.2.3.0/24", "1.2.3"] })).toThrow(SourceFormatError);
    expect(() => awsSource({ createDate: "x", prefixes: [], ipv6_prefixes: [] })).toThrow(/truncated/);
    expect(() => validateSnapshot({ format: "other" })).toThrow(SourceFormatError);
  });

  it("refuses a platform list built from a cloud's ASN (those are the cloud's addresses)", () => {
    expect(() => flatSource({ provider: "Vercel Aws", source: "AS15169", ipv4: ["34.0.0.0/15"] })).toThrow(
      /AS15169/,
    );
  });
});
