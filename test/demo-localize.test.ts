/**
 * The demo end to end, without the hub: the world's real servers and name server, the real probes from the
 * three vantage addresses (over HTTPS, names resolved by the world's name server), and the real localizer
 * fed with what they saw in rounds 10 s apart (simulated time). Each kind of fault the chaos injects must
 * come out as one incident naming it, whatever way it fails (timeouts, resets, SERVFAIL, 5xx, certificates).
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chaosTargets } from "../src/demo/demo-chaos.js";
import { DEMO_VANTAGES, demoComponents } from "../src/demo/demo-model.js";
import { type DemoWorld, startDemoWorld } from "../src/demo/demo-world.js";
import type { Incident } from "../src/localize/incident-tracker.js";
import { Localizer } from "../src/localize/localizer.js";
import { compileGraph } from "../src/model/graph.js";
import { STATUS_CODE } from "../src/model/propagate.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";

describe("the demo world, probed for real, localized", () => {
  let world: DemoWorld;
  let checks: HttpCheck[];
  const http = new HttpAgents();
  beforeAll(async () => {
    // Degraded answers are slow; shorter thresholds than the demo's keep this test quick, same behaviour
    // (a blackholed connection waits the whole timeout).
    world = await startDemoWorld({ degradedDelayMs: 700 });
    checks = world.checks.map((c) => ({ ...c, degradedOverMs: 450, timeoutMs: 1000 }));
    await probeAll(); // warms up connections and code paths, so no first answer is slow
  });
  afterAll(async () => {
    // The world first: closing its servers ends the probes' blackholed handshakes, which the pools wait for.
    await world.close();
    await http.close();
  });

  const errorClasses = new Set<string>();

  /**
   * Every check once from every vantage, a few at a time: a burst of 90 fresh TLS handshakes in one
   * process on a loaded machine would be slower than the degraded threshold by itself.
   */
  async function probeAll() {
    const jobs = world.vantages.flatMap((v, vi) => checks.map((check) => ({ v, vi, check })));
    const out: { vi: number; component: string; status: number }[] = [];
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const signal = new AbortController().signal;
        const result = await runCheck(job.check, {
          signal,
          localAddress: job.v.localAddress,
          http,
          ...world.probeContext(),
        });
        errorClasses.add(result.errorClass ?? "none");
        out.push({ vi: job.vi, component: job.check.component, status: STATUS_CODE[result.status] });
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    return out;
  }

  /** `rounds` rounds 10 s apart into a fresh localizer, `fault` injected from the third on; its incidents. */
  async function localize(fault: string, rounds: number): Promise<Incident[]> {
    const graph = compileGraph({ components: world.components }, { includeHidden: false });
    const localizer = new Localizer({ graph, vantages: world.vantages.map((v) => v.id) });
    for (let r = 0; r < rounds; r++) {
      if (r === 2) world.inject({ id: fault });
      const t = r * 10_000;
      const results = await probeAll();
      for (const o of results) localizer.observe(t, o.vi, graph.index.get(o.component)!, o.status);
    }
    localizer.finish();
    world.clear(fault);
    return localizer.incidents;
  }

  // One target of each kind chaos picks from, and a tie: a provider with one product in the model (fastly,
  // dyn, ns1) cannot be told from that product by any observation, so both are named, tied.
  // (Every target of chaosTargets(demoComponents()) passed this test when it was written: 28 in 24 s.)
  const kinds = [
    "aws/us-east-1",
    "aws/us-west-2/ec2",
    "cloudflare/cdn",
    "aws/route53",
    "dyn/dns",
    "vantage/local-b",
  ];
  const targets = chaosTargets(
    demoComponents(),
    DEMO_VANTAGES.map((v) => v.id),
  ).map((t) => t.id);
  it("tries only what chaos may pick", () => {
    for (const id of kinds) expect(targets).toContain(id);
  });
  for (const fault of kinds)
    it(`names ${fault} in one incident, the round after two rounds of symptoms`, async () => {
      const incidents = await localize(fault, 6);
      expect(incidents).toHaveLength(1);
      const incident = incidents[0]!;
      const best = incident.epicenter[0]!.confidence;
      expect(incident.epicenter.filter((r) => r.confidence === best).map((r) => r.component)).toContain(
        fault,
      );
      expect(incident.vantage).toBe(fault.startsWith("vantage/"));
      expect(incident.openedAt).toBe(30_000);
    });

  it("saw the real error classes of those faults", () => {
    for (const cls of ["dns", "connect-timeout", "connect-refused", "http-5xx", "tls", "none"])
      expect([...errorClasses], cls).toContain(cls);
  });
});
