/**
 * A model in which one site (LONE) depends on cloud/r1 through an edge the model lacks: when cloud/r1 fails
 * with its modelled sites and LONE at the same moment, the localizer suspects LONE of depending on it.
 */
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";
import type { Store } from "../src/store/store.js";

export const SITES = ["shop/a", "shop/b", "shop/c", "shop/d", "shop/e", "shop/f"];
export const LONE = "blog/www";

const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
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

export const suspectedModel: HubModel = {
  components: [
    comp("cloud/r1"),
    comp("cloud/r2"),
    ...SITES.map((s) => comp(s, ["cloud/r1"], true)),
    comp(LONE, ["cloud/r2"], true),
  ],
  vantages: ["vantage/x", "vantage/y"],
  checks: [...SITES, LONE].map(httpCheck),
};

/** The hub's clock, moved by `round`. */
export interface FakeClock {
  now: number;
}

/** A hub over `store` with this model, ticked by hand on `clock`. */
export async function startSuspectedHub(store: Store, clock: FakeClock): Promise<ReplicatedHub> {
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: suspectedModel,
    clock: () => clock.now,
    tickMs: 3_600_000, // the test ticks by hand
  });
  await hub.start();
  return hub;
}

/** One round of checks from both vantages, every site up or every site (LONE included) down, then a tick. */
export async function round(hub: ReplicatedHub, clock: FakeClock, down: boolean): Promise<void> {
  const batch: Observation[] = [];
  for (const v of suspectedModel.vantages)
    for (const s of [...SITES, LONE])
      batch.push({
        id: `${v}:${s}:${clock.now}`,
        at: clock.now + 1000,
        vantage: v,
        component: s,
        check: `${s}#1`,
        status: down ? "down" : "up",
        latencyMs: 12,
        errorClass: down ? "http-5xx" : null,
      });
  await hub.ingest(batch);
  await new Promise((r) => setImmediate(r)); // the bus delivers asynchronously
  clock.now += 10_000;
  await hub.tick();
}

/** cloud/r1 fails with LONE for six rounds and recovers with it: one incident, LONE suspected. */
export async function outage(hub: ReplicatedHub, clock: FakeClock): Promise<void> {
  for (let k = 0; k < 3; k++) await round(hub, clock, false);
  for (let k = 0; k < 6; k++) await round(hub, clock, true);
  for (let k = 0; k < 6; k++) await round(hub, clock, false);
}
