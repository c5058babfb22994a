/**
 * `npm run bench:discovery`: (1) IP-range lookups per second over the full bundled snapshot through the
 * prefix trie, against a linear scan of every prefix in the same run (and their answers compared);
 * (2) domains discovered per second against a local DNS server (dns2, in a worker thread) serving 10,000
 * synthetic zones that imitate real setups, against the same discovery one domain at a time.
 */
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { catalogComponents } from "../src/catalog/catalog-data.js";
import { discoverMany } from "../src/discover/discover-domain.js";
import { parseCidr } from "../src/discover/ip-address.js";
import { nodeDnsLookup } from "../src/discover/node-dns-lookup.js";
import { RangeTable } from "../src/discover/range-snapshot.js";
import { bundledSnapshotPath, readSnapshot } from "../src/discover/snapshot-file.js";
import { type ZoneRecords, zoneServer } from "./discovery-zones.js";

/** Deterministic pseudo-random numbers (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** 10,000 zones: Route 53 + EC2 us-east-1, Cloudflare, CloudFront on www, two DNS providers, self-hosted. */
export function syntheticZones(count: number): Map<string, ZoneRecords> {
  const next = random(7);
  const zones = new Map<string, ZoneRecords>();
  const r53 = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net"];
  zones.set("cloudfront.net", { NS: ["ns-5.awsdns-05.org"] });
  for (let i = 0; i < count; i++) {
    const d = `site${i}.bench`;
    const kind = i % 10;
    const mx: [number, string][] = i % 3 === 0 ? [[10, "aspmx.l.google.com"]] : [];
    if (kind < 4) {
      zones.set(d, { NS: r53, A: [ip(0x03500000 + Math.floor(next() * 0xfffff))], MX: mx });
      zones.set(`www.${d}`, { CNAME: d });
    } else if (kind < 6) {
      zones.set(d, { NS: ["anna.ns.cloudflare.com", "bob.ns.cloudflare.com"], A: ["104.16.1.1"], MX: mx });
    } else if (kind < 8) {
      zones.set(d, { NS: r53, MX: mx });
      zones.set(`www.${d}`, { CNAME: `d${i}.cloudfront.net` });
      zones.set(`d${i}.cloudfront.net`, { A: [ip(0x0de00000 + Math.floor(next() * 0x3ffff))] });
    } else if (kind === 8) {
      zones.set(d, { NS: ["dns1.p01.nsone.net", ...r53], A: [ip(0x03500000 + i)] });
    } else {
      zones.set(d, { NS: [`ns1.${d}`], A: ["192.0.2.10"], SOA: [`ns1.${d}`, `hostmaster.${d}`] });
    }
  }
  return zones;
}

if (!isMainThread) {
  const server = await zoneServer(syntheticZones(workerData.zones as number));
  parentPort!.postMessage(server.server);
} else {
  const { values } = parseArgs({
    options: { zones: { type: "string", default: "10000" }, lookups: { type: "string", default: "5000000" } },
  });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const snapshot = readSnapshot(bundledSnapshotPath());
  const table = new RangeTable(snapshot.sources);
  const v4 = snapshot.sources.flatMap((s) => s.v4.map((e) => parseCidr(e.slice(0, e.indexOf(" ")))!));
  log(`# bench:discovery  (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  log(
    `snapshot: ${table.trie.size.prefixes} prefixes (${v4.length} IPv4), ${table.trie.size.nodes} trie nodes`,
  );

  // (1) Lookups: half the addresses inside published prefixes, half anywhere.
  const next = random(1);
  const n = Number(values.lookups);
  const addresses = new Uint32Array(1 << 20);
  for (let i = 0; i < addresses.length; i++) {
    if (i % 2 === 0) {
      const p = v4[Math.floor(next() * v4.length)]!;
      const span = 2 ** (32 - p.length);
      addresses[i] = (p.words[0]! + Math.floor(next() * span)) >>> 0;
    } else addresses[i] = Math.floor(next() * 0x100000000) >>> 0;
  }
  const trie = table.trie;
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += trie.lookupV4(addresses[i & (addresses.length - 1)]!);
  let t0 = performance.now();
  for (let i = 0; i < n; i++) sink += trie.lookupV4(addresses[i & (addresses.length - 1)]!);
  const trieRate = n / ((performance.now() - t0) / 1000);
  const texts = Array.from(addresses.subarray(0, 100_000), ip);
  t0 = performance.now();
  for (let r = 0; r < 10; r++) for (const t of texts) sink += trie.lookup(t);
  const textRate = (10 * texts.length) / ((performance.now() - t0) / 1000);
  // Linear baseline: every prefix checked, the longest match kept.
  const nets = new Uint32Array(v4.map((p) => p.words[0]!));
  const masks = new Uint32Array(v4.map((p) => (p.length === 0 ? 0 : (0xffffffff << (32 - p.length)) >>> 0)));
  const lens = new Uint8Array(v4.map((p) => p.length));
  const linear = (a: number) => {
    let best = -1;
    let bestLength = -1;
    for (let j = 0; j < nets.length; j++)
      if ((a & masks[j]!) >>> 0 === nets[j] && lens[j]! > bestLength) {
        best = j;
        bestLength = lens[j]!;
      }
    return best;
  };
  const sample = 2000;
  let disagree = 0;
  t0 = performance.now();
  for (let i = 0; i < sample; i++) {
    const a = addresses[i]!;
    const j = linear(a);
    const viaTrie = trie.lookupV4(a) >= 0;
    if (viaTrie !== j >= 0) disagree++;
  }
  const linearRate = sample / ((performance.now() - t0) / 1000);
  log("");
  log("IP-range lookups (IPv4, full snapshot)      lookups/s");
  log(`  prefix trie, numeric address            ${Math.round(trieRate).toLocaleString("en")}`);
  log(`  prefix trie, address text (parse+walk)  ${Math.round(textRate).toLocaleString("en")}`);
  log(`  linear scan (baseline)                  ${Math.round(linearRate).toLocaleString("en")}`);
  log(
    `  speed-up ${(trieRate / linearRate).toFixed(0)}x; trie and scan disagree on ${disagree} of ${sample} (match or not)`,
  );

  // (2) Domains per second against 10,000 zones on a loopback DNS server in another thread.
  const zones = Number(values.zones);
  const worker = new Worker(new URL(import.meta.url), { workerData: { zones } });
  const server = await new Promise<string>((resolve) => worker.once("message", resolve));
  const context = {
    ranges: table,
    patterns: snapshot.patterns,
    catalog: new Set(catalogComponents().map((c) => c.id)),
  };
  const names = Array.from({ length: zones }, (_, i) => `site${i}.bench`);
  const dns = nodeDnsLookup({ server, timeoutMs: 2000, tries: 3 });
  const runBatch = async (list: string[], concurrency: number) => {
    const start = performance.now();
    const results = await discoverMany(list, { dns, context, depth: 1, concurrency });
    const seconds = (performance.now() - start) / 1000;
    const failed = results.filter((r) => r[0]!.evidence.some((e) => e.reason.startsWith("no answer"))).length;
    return { rate: list.length / seconds, seconds, failed };
  };
  const serial = await runBatch(names.slice(0, 300), 1);
  const rows: [string, Awaited<ReturnType<typeof runBatch>>, number][] = [
    ["one at a time (baseline)", serial, 300],
  ];
  for (const c of [64, 256]) rows.push([`concurrency ${c}`, await runBatch(names, c), zones]);
  log("");
  log(`Discovery against ${zones.toLocaleString("en")} synthetic zones (dns2 on loopback, no TLS, depth 1)`);
  log("  run                        domains  seconds  domains/s  with a failed lookup");
  for (const [label, r, count] of rows)
    log(
      `  ${label.padEnd(26)} ${String(count).padStart(7)}  ${r.seconds.toFixed(2).padStart(7)}  ${Math.round(r.rate).toLocaleString("en").padStart(9)}  ${r.failed}`,
    );
  if (sink === 42) log("");
  await worker.terminate();
}
