/**
 * The IMC 2020 release as a model (bench/concentration-model.ts) on its first 2,000 ranks, through `report
 * concentration`'s code: the paper's definitions hold site by site, indirect dependencies raise what a
 * provider takes down, and the direct model reproduces the release's own damage lists.
 */
import { describe, expect, it } from "vitest";
import { type KashafRelease, readKashaf } from "../bench/concentration-data.js";
import { kashafComponents, PROVIDER_KINDS, providerId, siteId } from "../bench/concentration-model.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import { DOWN } from "../src/model/propagate.js";
import { concentration } from "../src/whatif/concentration.js";
import { WhatIf } from "../src/whatif/what-if.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

const missing = realDataMissing("kashaf-2020/dns/DNSconcAll.gz");

describe.skipIf(missing !== null)(
  `the Kashaf release, ranks 1..2000${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    let release: KashafRelease;
    const graphs: { direct?: Graph; indirect?: Graph } = {};
    const graph = (indirect: boolean): Graph => {
      const key = indirect ? "indirect" : "direct";
      release ??= readKashaf(`${SHARED_REAL_DATA}kashaf-2020`, 2000);
      graphs[key] ??= compileGraph(
        { components: kashafComponents(release, { indirect }) },
        { includeHidden: true },
      );
      return graphs[key];
    };
    const isProvider = (g: Graph, c: number) => (PROVIDER_KINDS as readonly string[]).includes(g.kind[c]!);
    /** Observed ids down (and degraded) when `id` alone fails. */
    const fail = (g: Graph, id: string) => {
      const down = new Set<string>();
      const degraded = new Set<string>();
      new WhatIf(g).forEachImpaired([g.index.get(id)!], (x, state) => {
        if (g.observed[x] !== 1) return;
        (state === DOWN ? down : degraded).add(g.ids[x]!);
      });
      return { down, degraded };
    };

    it("a site with two third-party DNS provider groups is critical on neither: each alone only degrades it", () => {
      const g = graph(false);
      const redundant = [...release.dns].filter(
        ([site, groups]) =>
          groups.size === 2 && [...groups].every((p) => release.third.has(`dns ${p} ${site}`)),
      );
      expect(redundant.length).toBeGreaterThan(10);
      for (const [site, groups] of redundant.slice(0, 10))
        for (const p of groups) {
          const r = fail(g, providerId("dns", p));
          expect(r.down.has(siteId(site)), `${site} on ${p}`).toBe(false);
          expect(r.degraded.has(siteId(site)), `${site} on ${p}`).toBe(true);
        }
      // The same site with one of them only would be down: the redundancy is what saves it.
      const [site, groups] = redundant[0]!;
      const single = [...release.dns].find(
        ([s, gs]) => gs.size === 1 && gs.has([...groups][0]!) && s !== site,
      );
      if (single) expect(fail(g, providerId("dns", [...groups][0]!)).down.has(siteId(single[0]))).toBe(true);
    });

    it("a site that staples OCSP is not critical on its CA; one that does not staple is", () => {
      const g = graph(false);
      const digicert = fail(g, providerId("ca", "DigiCertInc"));
      const users = [...release.ca]
        .filter(([, cas]) => cas.size === 1 && cas.has("DigiCertInc"))
        .map(([s]) => s);
      const stapling = users.filter((s) => release.staples.has(s));
      const not = users.filter((s) => !release.staples.has(s));
      expect(stapling.length).toBeGreaterThan(10);
      expect(not.length).toBeGreaterThan(10);
      for (const s of stapling) {
        expect(digicert.down.has(siteId(s)), s).toBe(false);
        expect(digicert.degraded.has(siteId(s)), s).toBe(true);
      }
      for (const s of not) expect(digicert.down.has(siteId(s)), s).toBe(true);
    });

    it("indirect dependencies raise a provider's count: DNS Made Easy through DigiCert, Cloudflare DNS through Let's Encrypt", () => {
      const direct = new Map(
        concentration(graph(false), { isCandidate: isProvider }).candidates.map((c) => [c.id, c]),
      );
      const indirect = new Map(
        concentration(graph(true), { isCandidate: isProvider }).candidates.map((c) => [c.id, c]),
      );
      const dme = "dns/dnsmadeeasy";
      // DigiCert's revocation hosts are on DNS Made Easy alone, so its non-stapling sites go down with it.
      const digicertDown = fail(graph(false), "ca/DigiCertInc").down;
      expect(indirect.get(dme)!.down).toBeGreaterThanOrEqual(digicertDown.size);
      expect(indirect.get(dme)!.down).toBeGreaterThan(10 * direct.get(dme)!.down);
      expect(indirect.get("dns/cloudflare")!.down).toBeGreaterThan(direct.get("dns/cloudflare")!.down);
      // Indirect edges only add: no provider takes fewer sites down with them.
      for (const [id, c] of direct) expect(indirect.get(id)!.down, id).toBeGreaterThanOrEqual(c.down);
    });

    it("the direct model reproduces the release's damage lists: every CDN exactly, nearly every DNS provider", () => {
      const report = concentration(graph(false), { isCandidate: isProvider });
      const down = new Map(report.candidates.map((c) => [c.id, c.down]));
      const exact = (service: "dns" | "cdn") => {
        let same = 0;
        let compared = 0;
        for (const [p, sites] of release.damage[service]) {
          const ours = down.get(providerId(service, p));
          if (ours === undefined) continue;
          compared++;
          if (ours === sites.size) same++;
        }
        return { same, compared };
      };
      const cdn = exact("cdn");
      expect(cdn.compared).toBeGreaterThan(30);
      expect(cdn.same).toBe(cdn.compared);
      const dns = exact("dns");
      expect(dns.same / dns.compared).toBeGreaterThan(0.9);
    });

    it("report concentration's critical counts are the union of what each provider alone takes down", () => {
      const g = graph(true);
      const report = concentration(g, { isCandidate: isProvider });
      const any = new Set<string>();
      const byKind: Record<string, Set<string>> = {};
      for (let c = 0; c < g.size; c++) {
        if (!isProvider(g, c)) continue;
        const down = fail(g, g.ids[c]!).down;
        down.delete(g.ids[c]!);
        const kind = byKind[g.kind[c]!] ?? new Set<string>();
        byKind[g.kind[c]!] = kind;
        for (const id of down) {
          any.add(id);
          kind.add(id);
        }
      }
      expect(report.critical).toBe(any.size);
      expect(report.criticalByKind).toEqual(
        Object.fromEntries(Object.entries(byKind).map(([k, s]) => [k, s.size])),
      );
      expect(report.critical).toBeGreaterThan(0.8 * release.rank.size);
    });
  },
);
