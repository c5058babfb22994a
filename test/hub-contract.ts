/**
 * The Hub contract (src/hub/hub-api.ts): what every hub does for the server, asserted only through the Hub
 * interface, run on the real hub over each store and on a replica pair (hub-contract-*.test.ts). The suite
 * holds the clock; `newHub` builds a started hub on it whose ticker never fires on its own, and `tick` is one
 * beat of every replica (the leader first).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HubModel } from "../src/hub/hub.js";
import { type Hub, type HubEvent, HubInputError } from "../src/hub/hub-api.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";

export interface HubUnderTest {
  /** The hub the suite asserts through (for a replica pair: a standby, as a load balancer may pick it). */
  readonly hub: Hub;
  /** Every replica, the leader first; a lone hub is its own only replica. */
  readonly replicas: readonly Hub[];
  /** One beat of the hub's clock on every replica: rounds closed, heartbeats judged, incidents stored. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export type NewHub = (options: { model: HubModel; clock: () => number }) => Promise<HubUnderTest>;

const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
const services = ["shop/a", "shop/b", "shop/c", "shop/d"];
const httpCheck = (component: string): Check => ({
  type: "http",
  id: `${component}#1`,
  component,
  intervalMs: 10_000,
  timeoutMs: 3000,
  vantages: [],
  confirm: 0,
  url: `http://127.0.0.1:1/${component}`,
  method: "GET",
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: true,
  maxRedirects: 5,
  tlsVerify: true,
});
/** shop/a..c run in cloud/r1, shop/d in cloud/r2; a nightly job beats. Rounds of 10 s (the checks' interval). */
export const CONTRACT_MODEL: HubModel = {
  components: [
    comp("cloud/r1"),
    comp("cloud/r2"),
    ...services.map((s, i) => comp(s, [i < 3 ? "cloud/r1" : "cloud/r2"], true)),
    comp("jobs/nightly", [], true),
  ],
  vantages: ["vantage/x", "vantage/y"],
  checks: [
    ...services.map(httpCheck),
    {
      type: "heartbeat",
      id: "jobs/nightly#1",
      component: "jobs/nightly",
      intervalMs: 60_000,
      timeoutMs: 0,
      vantages: [],
      confirm: 0,
      token: "beat-secret",
      graceMs: 30_000,
    },
  ],
};
const ROUND_MS = 10_000;

export function runHubContract(name: string, newHub: NewHub): void {
  describe(`Hub contract: ${name}`, () => {
    // Wall-clock time, on a round's start: a durable bus starts a replica's own group a few rounds back.
    let now = Math.floor(Date.now() / ROUND_MS) * ROUND_MS;
    let open: HubUnderTest | null = null;
    const start = async (): Promise<HubUnderTest> => {
      now = Math.floor(Date.now() / ROUND_MS) * ROUND_MS;
      open = await newHub({ model: CONTRACT_MODEL, clock: () => now });
      return open;
    };
    afterEach(async () => {
      await open?.close();
      open = null;
    });

    const observation = (vantage: string, component: string, status: Observation["status"]): Observation => ({
      id: `${vantage}:${component}:${now}`,
      at: now + 1000,
      vantage,
      component,
      check: `${component}#1`,
      status,
      latencyMs: 12,
      errorClass: status === "down" ? "http-5xx" : null,
    });

    /** Waits until every replica's states show the batch (the bus delivers asynchronously). */
    const taken = async (h: HubUnderTest, batch: Observation[]) => {
      await vi.waitFor(
        () => {
          for (const replica of h.replicas) {
            const states = new Map(replica.states().map((s) => [s.component, s]));
            for (const o of batch)
              expect(states.get(o.component)?.observed.find((x) => x.vantage === o.vantage)?.at).toBe(o.at);
          }
        },
        { timeout: 10_000, interval: 20 },
      );
    };

    /** A round of checks from both vantages, then the clock past the round's grace and a tick. */
    const round = async (h: HubUnderTest, status: (service: string) => Observation["status"]) => {
      const batch = CONTRACT_MODEL.vantages.flatMap((v) => services.map((s) => observation(v, s, status(s))));
      await h.hub.ingest(batch);
      await taken(h, batch);
      now += ROUND_MS;
      await h.hub.heartbeat("beat-secret", now);
      await h.tick();
    };

    it("takes observations into its states and its store", async () => {
      const h = await start();
      const batch = [observation("vantage/x", "shop/a", "down"), observation("vantage/y", "shop/a", "up")];
      await h.hub.ingest(batch);
      await taken(h, batch);
      const state = h.hub.states().find((s) => s.component === "shop/a");
      expect(state).toEqual({
        component: "shop/a",
        observed: [
          { vantage: "vantage/x", status: "down", at: now + 1000, errorClass: "http-5xx" },
          { vantage: "vantage/y", status: "up", at: now + 1000, errorClass: null },
        ],
        belief: "up",
        incidentId: null,
      });
      await vi.waitFor(
        async () =>
          expect((await h.hub.observations({ component: "shop/a" })).map((o) => o.id).sort()).toEqual(
            batch.map((o) => o.id).sort(),
          ),
        { timeout: 10_000, interval: 20 },
      );
      expect(h.hub.lastFailures("shop/a").map((o) => o.id)).toEqual([batch[0]!.id]);
      expect(h.hub.components().map((c) => c.id)).toEqual(CONTRACT_MODEL.components.map((c) => c.id));
      expect(h.hub.checks().map((c) => c.id)).toEqual(CONTRACT_MODEL.checks.map((c) => c.id));
      // Heartbeats are judged from the hub's own vantage.
      expect(h.hub.vantages()).toEqual(["vantage/x", "vantage/y", "hub"]);
    });

    it("takes a batch posted several times at once into its store and states once", async () => {
      const h = await start();
      // An agent's retry racing its first try, as two API requests: both reach ingest.
      const batch = services.map((s) => observation("vantage/x", s, "up"));
      await Promise.all([h.hub.ingest(batch), h.hub.ingest([...batch].reverse()), h.hub.ingest(batch)]);
      // A later batch behind them on the bus: once it is taken, so is everything published before it.
      now += ROUND_MS;
      const marker = [observation("vantage/y", "shop/a", "up")];
      await h.hub.ingest(marker);
      await taken(h, marker);
      for (const replica of h.replicas) {
        const text = await replica.metrics();
        const taken = [...text.matchAll(/^epicenter_checks_run_total\{[^}]*\} (\d+)$/gm)];
        expect(taken.reduce((n, m) => n + Number(m[1]), 0)).toBe(batch.length + marker.length);
      }
      await vi.waitFor(
        async () => expect(await h.hub.observations({})).toHaveLength(batch.length + marker.length),
        { timeout: 10_000, interval: 20 },
      );
    });

    it("refuses a batch naming an unknown component or vantage, or from the future, with each refusal", async () => {
      const h = await start();
      const good = observation("vantage/x", "shop/a", "up");
      const batch = [
        good,
        { ...good, id: "bad-1", component: "shop/aa" },
        { ...good, id: "bad-2", vantage: "vantage/q" },
        { ...good, id: "bad-3", at: now + 3_600_000 },
      ];
      const refused = await h.hub.ingest(batch).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HubInputError);
      const error = refused as HubInputError;
      expect(error).toMatchObject({ code: "E_UNKNOWN_COMPONENT", path: "observations[1].component" });
      expect(error.message).toContain('did you mean "shop/a"?');
      expect(error.refusals.map((r) => [r.index, r.path, r.code])).toEqual([
        [1, "observations[1].component", "E_UNKNOWN_COMPONENT"],
        [2, "observations[2].vantage", "E_UNKNOWN_VANTAGE"],
        [3, "observations[3].at", "E_FUTURE_TIME"],
      ]);
      // Nothing of a refused batch is taken.
      await h.hub.ingest([{ ...good, id: "after" }]);
      await vi.waitFor(
        async () => expect((await h.hub.observations({})).map((o) => o.id)).toEqual(["after"]),
        { timeout: 10_000, interval: 20 },
      );
    });

    it("judges heartbeats once a round: a missed beat is down from the hub's vantage, a beat brings it up", async () => {
      const h = await start();
      expect(await h.hub.heartbeat("not-a-token", now)).toBe(false);
      now += 100_000; // no beat for longer than the interval and its grace
      await h.tick();
      const nightly = () =>
        h.hub
          .states()
          .find((s) => s.component === "jobs/nightly")
          ?.observed.find((o) => o.vantage === "hub");
      await vi.waitFor(
        () => expect(nightly()).toMatchObject({ status: "down", errorClass: "missed", at: now }),
        {
          timeout: 10_000,
          interval: 20,
        },
      );
      expect(await h.hub.heartbeat("beat-secret", now)).toBe(true);
      now += ROUND_MS;
      await h.tick();
      await vi.waitFor(() => expect(nightly()).toMatchObject({ status: "up", at: now }), {
        timeout: 10_000,
        interval: 20,
      });
    });

    it("answers a what-if by id and refuses an unknown id with its place", async () => {
      const h = await start();
      expect(h.hub.whatIf(["cloud/r2"])).toEqual({
        failed: ["cloud/r2"],
        down: ["cloud/r2", "shop/d"],
        degraded: [],
        observedHit: ["shop/d"],
      });
      const refused = (() => {
        try {
          h.hub.whatIf(["cloud/r1", "cloud/r9"]);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(HubInputError);
      expect(refused).toMatchObject({ code: "E_UNKNOWN_COMPONENT", path: "failed[1]" });
    });

    it("opens an incident naming the epicenter through rounds, acknowledges it, resolves it, and tells subscribers", async () => {
      const h = await start();
      const events: HubEvent[] = [];
      const unsubscribe = h.hub.subscribe((e) => events.push(e));
      for (let k = 0; k < 2; k++) await round(h, () => "up");
      for (let k = 0; k < 6; k++) await round(h, (s) => (s === "shop/d" ? "up" : "down"));
      const incidentEvents = () => events.filter((e) => e.type === "incident");
      await vi.waitFor(() => expect(incidentEvents().map((e) => e.action)).toContain("opened"), {
        timeout: 10_000,
        interval: 20,
      });
      const opened = incidentEvents().find((e) => e.action === "opened")!.incident;
      expect(opened.epicenter[0]?.component).toBe("cloud/r1");
      expect(opened.affected).toEqual(["shop/a", "shop/b", "shop/c"]);
      expect(events.some((e) => e.type === "state")).toBe(true);
      const states = new Map(h.hub.states().map((s) => [s.component, s]));
      expect(states.get("cloud/r1")).toMatchObject({ belief: "failing", incidentId: opened.id });
      expect(states.get("shop/a")).toMatchObject({ belief: "affected", incidentId: opened.id });
      expect(states.get("shop/d")).toMatchObject({ belief: "up", incidentId: null });
      expect(await h.hub.metrics()).toMatch(/^epicenter_incidents_open 1$/m);
      // Read through the hub as soon as it announced the incident: listed open, and found by id.
      expect((await h.hub.incidents({ open: true })).map((i) => i.id)).toEqual([opened.id]);
      expect(await h.hub.incident(opened.id)).toMatchObject({ id: opened.id, resolvedAt: null });
      expect(await h.hub.incident("inc-none")).toBeNull();

      const acked = await h.hub.acknowledge(opened.id, "dora");
      expect(acked).toMatchObject({ id: opened.id, acknowledgedBy: "dora", acknowledgedAt: now });
      expect(await h.hub.incident(opened.id)).toMatchObject({ acknowledgedBy: "dora" });
      expect((await h.hub.incidents({ open: true }))[0]).toMatchObject({ acknowledgedBy: "dora" });
      expect(incidentEvents().at(-1)).toMatchObject({ action: "acknowledged", incident: { id: opened.id } });
      expect(await h.hub.acknowledge("inc-none", "dora")).toBeNull();

      for (let k = 0; k < 8; k++) await round(h, () => "up");
      await vi.waitFor(
        () =>
          expect(incidentEvents().at(-1)).toMatchObject({ action: "resolved", incident: { id: opened.id } }),
        { timeout: 10_000, interval: 20 },
      );
      expect(await h.hub.incidents({ open: true })).toEqual([]);
      expect((await h.hub.incidents({ open: false })).map((i) => i.id)).toEqual([opened.id]);
      const stored = await h.hub.incident(opened.id);
      expect(stored?.resolvedAt).not.toBeNull();
      // The acknowledgement is kept through the later saves.
      expect(stored).toMatchObject({ acknowledgedBy: "dora" });
      expect(h.hub.states().find((s) => s.component === "shop/a")?.belief).toBe("up");
      expect(await h.hub.metrics()).toMatch(/^epicenter_incidents_open 0$/m);

      unsubscribe();
      const seen = events.length;
      await round(h, () => "up");
      await h.hub.acknowledge(opened.id, "eve");
      expect(events).toHaveLength(seen);
    });

    it("exposes its metrics as Prometheus text", async () => {
      const h = await start();
      await round(h, () => "up");
      const text = await h.hub.metrics();
      expect(text).toMatch(/^# TYPE epicenter_observations_ingested_total counter$/m);
      expect(text).toMatch(/^epicenter_checks_run_total\{vantage="vantage\/x",status="up"\} [1-9]\d*$/m);
      expect(text).toMatch(/^epicenter_incidents_open 0$/m);
    });
  });
}
