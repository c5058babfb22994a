/** The store's incident updates, part of the Store contract (store-contract.ts runs it on every engine). */
import { fc } from "@fast-check/vitest";
import { expect, it } from "vitest";
import type { StoredIncidentUpdate } from "../src/store/incident-update-store.js";
import type { Store } from "../src/store/store.js";

const T0 = Date.UTC(2026, 11, 5, 2, 0, 0);

function update(id: string, incidentId: string, at: number, over: Partial<StoredIncidentUpdate> = {}) {
  return {
    id,
    incidentId,
    at,
    status: "investigating",
    message: `Update ${id}`,
    public: true,
    author: "token ops",
    ...over,
  } satisfies StoredIncidentUpdate;
}

/** Registers the cases inside runStoreContract's describe; `store` gives the fresh store of each case. */
export function incidentUpdateContract(store: () => Store): void {
  it("keeps incident updates, lists an incident's oldest first, keeps the first of an id", async () => {
    const log = store().incidentUpdates;
    const late = update("u-late", "inc-1", T0 + 60_000, { status: "monitoring", public: false });
    const b = update("u-b", "inc-1", T0, { status: "identified", author: "alice" });
    const a = update("u-a", "inc-1", T0);
    const other = update("u-other", "inc-2", T0 - 60_000, { status: "resolved" });
    for (const u of [late, b, a, other]) await log.addIncidentUpdate(u);
    expect(await log.listIncidentUpdates(["inc-1"])).toStrictEqual([a, b, late]);
    expect(await log.listIncidentUpdates(["inc-2", "inc-1", "inc-2"])).toStrictEqual([other, a, b, late]);
    expect(await log.listIncidentUpdates([])).toStrictEqual([]);
    expect(await log.listIncidentUpdates(["nope"])).toStrictEqual([]);
    await log.addIncidentUpdate({ ...a, message: "changed" });
    expect((await log.listIncidentUpdates(["inc-1"]))[0]).toStrictEqual(a);
  });

  it("stores any message text as it was written, quotes, markup and all", async () => {
    const log = store().incidentUpdates;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        // PostgreSQL's text takes no NUL; the API refuses one before it gets here.
        fc.string({ unit: "grapheme", maxLength: 200 }).filter((m) => !m.includes("\0")),
        async (message) => {
          const u = update(`u-${n++}`, `inc-p${n}`, T0, { message: `<b>'${message}"</b>` });
          await log.addIncidentUpdate(u);
          expect(await log.listIncidentUpdates([u.incidentId])).toStrictEqual([u]);
        },
      ),
      { numRuns: 25 },
    );
  });
}
