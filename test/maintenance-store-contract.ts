/** The store's maintenance windows, part of the Store contract (store-contract.ts runs it on every engine). */
import { expect, it } from "vitest";
import type { StoredMaintenance } from "../src/store/maintenance-store.js";
import type { Store } from "../src/store/store.js";

const T0 = Date.UTC(2026, 11, 5, 2, 0, 0);
const HOUR = 3_600_000;

function window(id: string, start: number, over: Partial<StoredMaintenance> = {}): StoredMaintenance {
  return {
    id,
    title: `Work ${id}`,
    components: ["acme/db", "acme/api"],
    start,
    end: start + 2 * HOUR,
    source: "api",
    createdBy: "token ops",
    createdAt: T0 - HOUR,
    endedAt: null,
    ...over,
  };
}

/** Registers the cases inside runStoreContract's describe; `store` gives the fresh store of each case. */
export function maintenanceContract(store: () => Store): void {
  it("keeps maintenance windows, lists those planned to end later, ends one early once", async () => {
    const log = store().maintenances;
    const past = window("m-past", T0 - 5 * HOUR);
    const b = window("m-b", T0);
    const a = window("m-a", T0);
    const config = window("sunday@20261206T020000Z", T0 + 24 * HOUR, { source: "config", createdBy: null });
    for (const m of [past, b, a, config]) await log.saveMaintenance(m);
    expect(await log.listMaintenances(T0 - HOUR)).toStrictEqual([a, b, config]);
    expect(await log.listMaintenances(0)).toStrictEqual([past, a, b, config]);
    expect(await log.endMaintenance("m-a", T0 + HOUR)).toStrictEqual({ ...a, endedAt: T0 + HOUR });
    // Ended once: a second DELETE keeps the first end.
    expect(await log.endMaintenance("m-a", T0 + 90 * 60_000)).toStrictEqual({ ...a, endedAt: T0 + HOUR });
    expect(await log.endMaintenance("nope", T0)).toBeNull();
    // Still listed by its planned end: a config occurrence ended early must stay known as ended.
    expect((await log.listMaintenances(T0 + HOUR)).map((m) => [m.id, m.endedAt])).toEqual([
      ["m-a", T0 + HOUR],
      ["m-b", null],
      ["sunday@20261206T020000Z", null],
    ]);
    await log.saveMaintenance({ ...b, title: "Renamed", components: [] });
    expect((await log.listMaintenances(T0)).find((m) => m.id === "m-b")).toStrictEqual({
      ...b,
      title: "Renamed",
      components: [],
    });
  });
}
