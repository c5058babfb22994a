/**
 * The Store contract: every engine runs these same tests against a real database (store-sqlite.test.ts,
 * store-postgres.test.ts). `newStore` returns a fresh, empty store each time; the suite closes it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Observation } from "../src/model/observation.js";
import type {
  AlertState,
  DeliveryRecord,
  Retention,
  Store,
  StoredIncident,
  StoredToken,
  SuspectedEvidence,
} from "../src/store/store.js";
import { DEFAULT_RETENTION } from "../src/store/store.js";
import { incidentUpdateContract } from "./incident-update-store-contract.js";
import { maintenanceContract } from "./maintenance-store-contract.js";
import { subscriptionContract } from "./subscription-store-contract.js";

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function observation(n: number, over: Partial<Observation> = {}): Observation {
  return {
    id: `probe/a|acme/web#1|${n}`,
    at: T0 + n * 1000,
    vantage: "probe/a",
    component: "acme/web",
    check: "acme/web#1",
    status: "up",
    latencyMs: 12.5,
    errorClass: null,
    ...over,
  };
}

function incident(id: string, openedAt: number, over: Partial<StoredIncident> = {}): StoredIncident {
  return {
    id,
    openedAt,
    resolvedAt: null,
    epicenter: [{ component: "aws/us-east-1", confidence: 0.87 }],
    affected: ["acme/web", "acme/api"],
    history: [{ at: openedAt, epicenter: [{ component: "aws/us-east-1", confidence: 0.6 }] }],
    vantage: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: openedAt,
    ...over,
  };
}

function token(id: string, createdAt: number, over: Partial<StoredToken> = {}): StoredToken {
  return {
    id,
    name: `token ${id}`,
    role: "viewer",
    vantage: null,
    hash: `hash-${id}`,
    createdAt,
    expiresAt: null,
    revokedAt: null,
    ...over,
  };
}

/** Opens a fresh, empty store; `retention` is the store's own (its `retention` option). */
export type NewStore = (options?: { retention?: Retention }) => Promise<Store>;

export function runStoreContract(name: string, newStore: NewStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await newStore();
    });
    afterEach(async () => {
      await store.close();
    });
    maintenanceContract(() => store);
    subscriptionContract(() => store);
    incidentUpdateContract(() => store);

    describe("observations", () => {
      it("reads back exactly what was written, nulls and absent message included", async () => {
        const written = [
          observation(1, { message: "HTTP 200" }),
          observation(2, { status: "down", latencyMs: null, errorClass: "connect-refused" }),
          observation(3, { status: "degraded", latencyMs: 1234.567891, errorClass: "http-5xx", message: "" }),
          observation(4, { latencyMs: 0, message: "ünïcode ✓ 'quoted' \"twice\"" }),
        ];
        await store.insertObservations(written);
        const read = await store.queryObservations({});
        expect(read).toStrictEqual([...written].reverse());
        expect("message" in read.find((o) => o.id === written[1]!.id)!).toBe(false);
      });

      it("stores an observation once however often it is written, within a batch or across batches", async () => {
        // Each write reports what it wrote, in batch order: the first copy, never one stored before.
        const first = await store.insertObservations([observation(1), observation(2), observation(1)]);
        expect(first).toStrictEqual([observation(1), observation(2)]);
        const second = await store.insertObservations([observation(2, { status: "down" }), observation(3)]);
        expect(second).toStrictEqual([observation(3)]);
        expect(await store.insertObservations([])).toEqual([]);
        const read = await store.queryObservations({});
        expect(read.map((o) => o.id)).toEqual([observation(3).id, observation(2).id, observation(1).id]);
        // The first write wins: a redelivered copy never rewrites history.
        expect(read[1]!.status).toBe("up");
      });

      it("tells which observations of a batch are stored already, by (vantage, check, component, at)", async () => {
        expect(await store.storedObservations([observation(1)])).toEqual([false]);
        await store.insertObservations([observation(1), observation(2, { check: "acme/web#2" })]);
        const asked = [
          observation(1, { id: "another id", status: "down" }),
          observation(2),
          observation(2, { check: "acme/web#2" }),
          observation(1, { vantage: "probe/b" }),
          observation(1, { component: "acme/api" }),
          observation(3),
          observation(1),
        ];
        expect(await store.storedObservations(asked)).toEqual([true, false, true, false, false, false, true]);
        expect(await store.storedObservations([])).toEqual([]);
        // More times than one statement may carry: each is still answered.
        const many = Array.from({ length: 40_000 }, (_, i) => observation(i));
        const answers = await store.storedObservations(many);
        expect(answers.filter(Boolean)).toHaveLength(1);
        expect(answers[1]).toBe(true);
      });

      it("writes batches larger than one statement's parameter limit, of as many new series", async () => {
        const batch = Array.from({ length: 10_000 }, (_, i) => observation(i, { check: `acme/web#${i}` }));
        expect(await store.insertObservations(batch)).toHaveLength(10_000);
        const read = await store.queryObservations({ limit: 20_000 });
        expect(read.length).toBe(10_000);
        expect(read[0]).toStrictEqual(batch[9_999]);
        expect(read[9_999]).toStrictEqual(batch[0]);
      });

      it("reports each observation written by exactly one of concurrent writes of the same batches", async () => {
        // Chunks of several statements (1,200 rows), some stored before, copies within and across batches.
        await store.insertObservations([observation(5), observation(700)]);
        const batch = Array.from({ length: 1200 }, (_, i) => observation(i));
        const copy = [...batch.slice(600), observation(1300), ...batch.slice(0, 600), observation(3)];
        const results = await Promise.all([
          store.insertObservations(batch),
          store.insertObservations(copy),
          store.insertObservations([...batch].reverse()),
        ]);
        const reported = results.flat().map((o) => o.id);
        expect(reported).toHaveLength(1199);
        expect(new Set(reported).size).toBe(1199);
        expect(reported).not.toContain(observation(5).id);
        expect(reported).not.toContain(observation(700).id);
        expect(reported).toContain(observation(1300).id);
        expect(await store.queryObservations({ limit: 5000 })).toHaveLength(1201);
      });

      it("skips an observation of a stored (vantage, check, component, at) whatever its id", async () => {
        const first = observation(1, { id: "first" });
        expect(
          await store.insertObservations([first, observation(1, { id: "second", status: "down" })]),
        ).toStrictEqual([first]);
        expect(await store.insertObservations([observation(1, { id: "third" })])).toEqual([]);
        expect(await store.queryObservations({})).toStrictEqual([first]);
        // The id is not a key: the same id at another time, or of another check, is another observation.
        const others = [
          observation(2, { id: "first" }),
          observation(1, { id: "first", check: "acme/web#2" }),
          observation(1, { id: "first", vantage: "probe/b" }),
          observation(1, { id: "first", component: "acme/api" }),
        ];
        await store.insertObservations(others);
        expect(await store.queryObservations({})).toHaveLength(5);
      });

      it("reads back the ids agents make, plain or with the component, and any other id", async () => {
        const at = T0 + 7;
        const written = [
          observation(1, { id: `probe/a:acme/web#1:${T0 + 1000}` }),
          // A status page check reports several components at once: its ids end with the component.
          observation(2, {
            id: `probe/a:vendor#1:${at}:vendor/api`,
            check: "vendor#1",
            component: "vendor/api",
          }),
          observation(3, {
            id: `probe/a:vendor#1:${at}:vendor/db`,
            check: "vendor#1",
            component: "vendor/db",
          }),
          // Other forms, in series that already have a canonical form: kept as written.
          observation(4, { id: "made-by-hand", at: T0 + 4000 }),
          observation(5, { id: `probe/a:vendor#1:${at + 1}`, check: "vendor#1", component: "vendor/api" }),
          observation(6, { id: `probe/a:acme/web#1:${T0 + 6000}:acme/web` }),
          observation(7, { id: "" }),
        ];
        await store.insertObservations(written);
        const read = await store.queryObservations({});
        expect(new Map(read.map((o) => [o.at, o.id]))).toEqual(new Map(written.map((o) => [o.at, o.id])));
      });

      it("lists newest first, ties always alike, filtered by component, vantage and [from, to)", async () => {
        await store.insertObservations([
          observation(1, { id: "b", at: T0, check: "acme/web#2" }),
          observation(2, { id: "a", at: T0 }),
          observation(3, { id: "c", at: T0 + 5000, vantage: "probe/b" }),
          observation(4, { id: "d", at: T0 + 9000, component: "acme/api" }),
          observation(5, { id: "e", at: T0 + 10_000 }),
        ]);
        const ids = async (q: Parameters<Store["queryObservations"]>[0]) =>
          (await store.queryObservations(q)).map((o) => o.id);
        const all = await ids({});
        expect(all.slice(0, 3)).toEqual(["e", "d", "c"]);
        expect(all.slice(3).sort()).toEqual(["a", "b"]);
        // The two at T0 come in one order, the same whatever the query.
        const tie = all.slice(3);
        expect(await ids({})).toEqual(all);
        expect(await ids({ limit: 4 })).toEqual(all.slice(0, 4));
        expect(await ids({ component: "acme/web" })).toEqual(["e", "c", ...tie]);
        expect(await ids({ component: "acme/web", vantage: "probe/a" })).toEqual(["e", ...tie]);
        expect(await ids({ to: T0 + 1 })).toEqual(tie);
        expect(await ids({ vantage: "probe/b" })).toEqual(["c"]);
        expect(await ids({ from: T0 + 5000, to: T0 + 10_000 })).toEqual(["d", "c"]);
        expect(await ids({ limit: 2 })).toEqual(["e", "d"]);
        expect(await ids({ component: "nobody" })).toEqual([]);
      });

      it("returns at most 1,000 by default", async () => {
        await store.insertObservations(Array.from({ length: 1_005 }, (_, i) => observation(i)));
        expect((await store.queryObservations({})).length).toBe(1_000);
      });
    });

    describe("rollups", () => {
      const at = (minute: number, second: number) => T0 + minute * MIN + second * 1000;
      const seed = [
        observation(1, { at: at(0, 0), latencyMs: 10 }),
        observation(2, { at: at(0, 30), latencyMs: 30 }),
        observation(3, { at: at(0, 45), status: "down", latencyMs: null, errorClass: "timeout" }),
        observation(4, { at: at(1, 0), status: "degraded", latencyMs: 100 }),
        observation(5, { at: at(1, 10), vantage: "probe/b", latencyMs: null, status: "down" }),
        observation(6, { at: at(61, 0), latencyMs: 7 }),
      ];

      it("counts statuses and latency per (component, vantage, minute), newest first", async () => {
        await store.insertObservations(seed);
        await store.rollup(T0, T0 + 2 * HOUR);
        const minutes = await store.queryRollups({ resolution: "1m" });
        expect(minutes).toStrictEqual([
          r("1m", at(61, 0), "probe/a", [1, 0, 0], 7, 7),
          r("1m", at(1, 0), "probe/a", [0, 1, 0], 100, 100),
          r("1m", at(1, 0), "probe/b", [0, 0, 1], null, null),
          r("1m", at(0, 0), "probe/a", [2, 0, 1], 20, 30),
        ]);
        const hours = await store.queryRollups({ resolution: "1h" });
        expect(hours).toStrictEqual([
          r("1h", T0 + HOUR, "probe/a", [1, 0, 0], 7, 7),
          r("1h", T0, "probe/a", [2, 1, 1], (10 + 30 + 100) / 3, 100),
          r("1h", T0, "probe/b", [0, 0, 1], null, null),
        ]);
        expect(await store.queryRollups({ resolution: "1m", vantage: "probe/b" })).toHaveLength(1);
        expect(await store.queryRollups({ resolution: "1m", component: "acme/api" })).toEqual([]);
        const window = await store.queryRollups({
          resolution: "1m",
          from: at(1, 0),
          to: at(61, 0),
          limit: 1,
        });
        expect(window.map((x) => [x.at, x.vantage])).toEqual([[at(1, 0), "probe/a"]]);
      });

      it("recomputes whole buckets: idempotent, and late observations are folded in", async () => {
        await store.insertObservations(seed);
        // A range inside minute 0 still recomputes all of minute 0 (and its hour).
        await store.rollup(at(0, 40), at(0, 41));
        await store.rollup(at(0, 40), at(0, 41));
        let minute0 = (await store.queryRollups({ resolution: "1m", from: T0, to: T0 + MIN }))[0]!;
        expect([minute0.up, minute0.down]).toEqual([2, 1]);
        await store.insertObservations([observation(7, { at: at(0, 50), status: "down", latencyMs: 90 })]);
        await store.rollup(at(0, 0), at(1, 0));
        minute0 = (await store.queryRollups({ resolution: "1m", from: T0, to: T0 + MIN }))[0]!;
        expect(minute0).toMatchObject({
          up: 2,
          down: 2,
          latencyMeanMs: (10 + 30 + 90) / 3,
          latencyMaxMs: 90,
        });
        // Minute 1 was outside both ranges: not rolled up yet.
        expect(await store.queryRollups({ resolution: "1m", from: at(1, 0), to: at(2, 0) })).toEqual([]);
        // The hour holds only the minutes rolled up so far.
        const hour = (await store.queryRollups({ resolution: "1h", vantage: "probe/a" }))[0]!;
        expect(hour).toMatchObject({ at: T0, up: 2, degraded: 0, down: 2 });
      });
    });

    it("applies retention by age and reports what it deleted", async () => {
      const now = T0 + 30 * DAY;
      const { rawMs, minuteMs } = DEFAULT_RETENTION;
      await store.insertObservations([
        observation(1, { at: now - rawMs - 1 }),
        observation(2, { at: now - rawMs }),
        observation(3, { at: now - 1000 }),
      ]);
      // Minute rollups a day older than their retention (deleted) and a day younger (kept); hours of both.
      await store.insertObservations([
        observation(10, { at: now - minuteMs - DAY }),
        observation(11, { at: now - minuteMs + DAY }),
      ]);
      await store.rollup(now - minuteMs - 2 * DAY, now);
      const deleted = await store.applyRetention(now);
      expect(deleted).toEqual({ raw: 3, minute: 1, hour: 0 });
      expect((await store.queryObservations({})).map((o) => o.id)).toEqual([
        observation(3).id,
        observation(2).id,
      ]);
      // Five observations in five minutes and five hours; the oldest minute is gone.
      expect(await store.queryRollups({ resolution: "1m" })).toHaveLength(4);
      expect(await store.queryRollups({ resolution: "1h" })).toHaveLength(5);
      const tight = await store.applyRetention(now, { rawMs: 0, minuteMs: 0, hourMs: minuteMs });
      expect(tight).toEqual({ raw: 2, minute: 4, hour: 1 });
      expect(await store.applyRetention(now)).toEqual({ raw: 0, minute: 0, hour: 0 });
    });

    it("applies the retention it was opened with, and refuses one under an hour", async () => {
      const now = T0 + 30 * DAY;
      const own = await newStore({ retention: { rawMs: 2 * HOUR, minuteMs: DAY, hourMs: 2 * DAY } });
      try {
        await own.insertObservations([
          observation(1, { at: now - 3 * DAY }),
          observation(2, { at: now - 1.5 * DAY }),
          observation(3, { at: now - 3 * HOUR }),
          observation(4, { at: now - HOUR }),
        ]);
        await own.rollup(now - 4 * DAY, now);
        expect(await own.applyRetention(now)).toEqual({ raw: 3, minute: 2, hour: 1 });
      } finally {
        await own.close();
      }
      await expect(newStore({ retention: { rawMs: 0, minuteMs: DAY, hourMs: DAY } })).rejects.toMatchObject({
        name: "StoreError",
        code: "E_STORE_OPTION",
        message: expect.stringContaining("retention.rawMs must be at least one hour"),
      });
    });

    it("keeps model snapshots, skipping a hash that is already the latest", async () => {
      expect(await store.latestModelSnapshot()).toBeNull();
      const model = { components: [{ id: "acme/web", requires: ["aws/us-east-1"] }], n: 1.5 };
      expect(await store.saveModelSnapshot("h1", model, T0)).toBe(true);
      expect(await store.saveModelSnapshot("h1", model, T0 + 1)).toBe(false);
      expect(await store.latestModelSnapshot()).toEqual({ hash: "h1", model, at: T0 });
      expect(await store.saveModelSnapshot("h2", { components: [] }, T0 + 2)).toBe(true);
      expect(await store.saveModelSnapshot("h1", model, T0 + 2)).toBe(true);
      expect(await store.latestModelSnapshot()).toEqual({ hash: "h1", model, at: T0 + 2 });
    });

    it("replaces the set of checks", async () => {
      const check = (id: string) => ({
        id,
        component: "acme/web",
        type: "http",
        spec: { url: `https://example.com/${id}`, expect: { status: [200, 204] } },
        updatedAt: T0,
      });
      await store.replaceChecks([check("b"), check("a")]);
      expect(await store.listChecks()).toEqual([check("a"), check("b")]);
      await store.replaceChecks([check("c")]);
      expect(await store.listChecks()).toEqual([check("c")]);
      await store.replaceChecks([]);
      expect(await store.listChecks()).toEqual([]);
    });

    describe("incidents", () => {
      it("saves, updates by id and reads back exactly", async () => {
        const first = incident("i1", T0);
        await store.saveIncident(first);
        expect(await store.getIncident("i1")).toStrictEqual(first);
        const later = incident("i1", T0, {
          resolvedAt: T0 + 600_000,
          vantage: true,
          history: [...first.history, { at: T0 + 60_000, epicenter: first.epicenter }],
          updatedAt: T0 + 600_000,
        });
        await store.saveIncident(later);
        expect(await store.getIncident("i1")).toStrictEqual(later);
        expect(await store.getIncident("nope")).toBeNull();
      });

      it("lists newest opened first, by open or resolved, paged with before and limit", async () => {
        await store.saveIncident(incident("i1", T0));
        await store.saveIncident(incident("i2", T0 + 1000, { resolvedAt: T0 + 5000 }));
        await store.saveIncident(incident("i3", T0 + 2000));
        await store.saveIncident(incident("i4", T0 + 2000));
        const ids = async (q?: Parameters<Store["listIncidents"]>[0]) =>
          (await store.listIncidents(q)).map((i) => i.id);
        expect(await ids()).toEqual(["i4", "i3", "i2", "i1"]);
        expect(await ids({ open: true })).toEqual(["i4", "i3", "i1"]);
        expect(await ids({ open: false })).toEqual(["i2"]);
        expect(await ids({ limit: 2 })).toEqual(["i4", "i3"]);
        expect(await ids({ before: T0 + 2000, limit: 2 })).toEqual(["i2", "i1"]);
      });

      it("acknowledges, and a later save without an acknowledgement keeps it", async () => {
        await store.saveIncident(incident("i1", T0));
        const acked = await store.acknowledgeIncident("i1", "ops@acme", T0 + 5000);
        expect(acked).toStrictEqual(
          incident("i1", T0, { acknowledgedAt: T0 + 5000, acknowledgedBy: "ops@acme" }),
        );
        await store.saveIncident(incident("i1", T0, { updatedAt: T0 + 9000 }));
        expect(await store.getIncident("i1")).toMatchObject({
          acknowledgedBy: "ops@acme",
          updatedAt: T0 + 9000,
        });
        expect(await store.acknowledgeIncident("nope", "ops@acme", T0)).toBeNull();
      });

      it("keeps an incident's suspected components, and a save without them keeps the stored ones", async () => {
        const suspected = incident("i1", T0, { suspected: ["acme/api", "acme/web"] });
        await store.saveIncident(suspected);
        expect(await store.getIncident("i1")).toStrictEqual(suspected);
        await store.saveIncident(incident("i1", T0, { updatedAt: T0 + 9000 }));
        expect((await store.getIncident("i1"))?.suspected).toEqual(["acme/api", "acme/web"]);
        await store.saveIncident(incident("i1", T0, { suspected: [] }));
        expect((await store.listIncidents())[0]?.suspected).toEqual([]);
        await store.saveIncident(incident("i2", T0));
        expect(await store.getIncident("i2")).not.toHaveProperty("suspected");
      });
    });

    it("keeps suspected evidence per (component, cause, incident), merging repeats without losing any", async () => {
      const e = (
        component: string,
        incidentId: string,
        firstSeen: number,
        lastSeen: number,
        recovered: boolean | null,
      ): SuspectedEvidence => ({
        component,
        cause: "aws/us-east-1",
        incident: incidentId,
        firstSeen,
        lastSeen,
        recovered,
      });
      expect(await store.listSuspectedEvidence()).toEqual([]);
      await store.saveSuspectedEvidence([]);
      await store.saveSuspectedEvidence([
        e("acme/web", "i1", T0 + 60_000, T0 + 120_000, null),
        e("acme/api", "i1", T0, T0, true),
      ]);
      // The same incident told again (another run): wider on both sides, resolved; and a repeat in one batch.
      await store.saveSuspectedEvidence([
        e("acme/web", "i1", T0, T0 + 90_000, false),
        e("acme/web", "i1", T0 + 30_000, T0 + 300_000, true),
        e("acme/web", "i2", T0 + DAY, T0 + DAY, null),
      ]);
      // A later account of a resolved incident does not change its word on recovery, nor narrow it.
      await store.saveSuspectedEvidence([e("acme/api", "i1", T0 + 5, T0 + 6, false)]);
      expect(await store.listSuspectedEvidence()).toEqual([
        e("acme/api", "i1", T0, T0 + 6, true),
        e("acme/web", "i1", T0, T0 + 300_000, false),
        e("acme/web", "i2", T0 + DAY, T0 + DAY, null),
      ]);
    });

    it("saves suspected evidence in batches larger than one statement may carry", async () => {
      const many = Array.from(
        { length: 12_000 },
        (_, i): SuspectedEvidence => ({
          component: `acme/site-${i}`,
          cause: "cloudflare/cdn",
          incident: `i${i % 7}`,
          firstSeen: T0 + i,
          lastSeen: T0 + i + 1,
          recovered: i % 3 === 0 ? null : i % 3 === 1,
        }),
      );
      await store.saveSuspectedEvidence(many);
      const back = await store.listSuspectedEvidence();
      expect(back).toHaveLength(many.length);
      const key = (x: SuspectedEvidence) => `${x.component}|${x.incident}`;
      expect(new Map(back.map((x) => [key(x), x]))).toEqual(new Map(many.map((x) => [key(x), x])));
    });

    it("records deliveries once per id and lists them newest first", async () => {
      const d = (id: string, incidentId: string, at: number, ok = true): DeliveryRecord => ({
        id,
        incidentId,
        channel: "slack",
        event: "opened",
        at,
        attempt: 1,
        ok,
        detail: ok ? "HTTP 200" : "ECONNRESET",
      });
      await store.recordDelivery(d("d1", "i1", T0, false));
      await store.recordDelivery(d("d1", "i1", T0, true));
      await store.recordDelivery(d("d2", "i1", T0 + 1000));
      await store.recordDelivery(d("d3", "i2", T0 + 2000));
      expect(await store.listDeliveries()).toStrictEqual([
        d("d3", "i2", T0 + 2000),
        d("d2", "i1", T0 + 1000),
        d("d1", "i1", T0, false),
      ]);
      expect((await store.listDeliveries("i1")).map((x) => x.id)).toEqual(["d2", "d1"]);
      expect((await store.listDeliveries(undefined, 1)).map((x) => x.id)).toEqual(["d3"]);
      expect(await store.listDeliveries("none")).toEqual([]);
    });

    it("keeps one alert state per incident and channel, and lists the unresolved ones", async () => {
      const s = (incidentId: string, channel: string, delivered: string, at: number): AlertState => ({
        incidentId,
        channel,
        delivered,
        digest: `${delivered}:aws/us-east-1`,
        at,
      });
      expect(await store.getAlertState("i1", "slack")).toBeNull();
      await store.setAlertState(s("i1", "slack", "opened", T0));
      await store.setAlertState(s("i1", "email", "opened", T0 + 1));
      await store.setAlertState(s("i2", "slack", "changed", T0 + 2));
      expect(await store.getAlertState("i1", "slack")).toStrictEqual(s("i1", "slack", "opened", T0));
      await store.setAlertState(s("i1", "slack", "resolved", T0 + 3));
      expect(await store.getAlertState("i1", "slack")).toStrictEqual(s("i1", "slack", "resolved", T0 + 3));
      expect(await store.listUnresolvedAlertStates()).toStrictEqual([
        s("i2", "slack", "changed", T0 + 2),
        s("i1", "email", "opened", T0 + 1),
      ]);
    });

    it("creates, finds, lists and revokes tokens; a stored hash cannot be created twice", async () => {
      const a = token("t1", T0, { role: "admin", expiresAt: T0 + HOUR });
      const b = token("t2", T0 + 1000);
      await store.createToken(a);
      await store.createToken(b);
      await expect(store.createToken(token("t3", T0, { hash: a.hash }))).rejects.toMatchObject({
        name: "StoreError",
        code: "E_STORE_CONFLICT",
      });
      await expect(store.createToken(token("t1", T0, { hash: "other" }))).rejects.toMatchObject({
        code: "E_STORE_CONFLICT",
      });
      expect(await store.findTokenByHash(a.hash)).toStrictEqual(a);
      expect(await store.findTokenByHash("unknown")).toBeNull();
      expect(await store.listTokens()).toStrictEqual([b, a]);
      expect(await store.revokeToken("t1", T0 + 5000)).toBe(true);
      expect(await store.revokeToken("t1", T0 + 9000)).toBe(true);
      expect((await store.findTokenByHash(a.hash))?.revokedAt).toBe(T0 + 5000);
      expect(await store.revokeToken("nope", T0)).toBe(false);
    });

    it("keeps an agent token's vantage", async () => {
      const agent = token("t4", T0, { role: "agent", vantage: "probe/eu-west" });
      await store.createToken(agent);
      expect(await store.findTokenByHash(agent.hash)).toStrictEqual(agent);
      expect(await store.listTokens()).toStrictEqual([agent]);
    });

    it("keeps the latest heartbeat per check", async () => {
      expect(await store.lastHeartbeats()).toEqual(new Map());
      await store.recordHeartbeat("backup#1", T0);
      await store.recordHeartbeat("backup#1", T0 + 60_000);
      await store.recordHeartbeat("backup#1", T0 + 30_000);
      await store.recordHeartbeat("cron#1", T0 + 5);
      expect(await store.lastHeartbeats()).toEqual(
        new Map([
          ["backup#1", T0 + 60_000],
          ["cron#1", T0 + 5],
        ]),
      );
    });
  });
}

function r(
  resolution: "1m" | "1h",
  at: number,
  vantage: string,
  [up, degraded, down]: [number, number, number],
  latencyMeanMs: number | null,
  latencyMaxMs: number | null,
) {
  return { component: "acme/web", vantage, resolution, at, up, degraded, down, latencyMeanMs, latencyMaxMs };
}
