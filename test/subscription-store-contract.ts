/** The store's status-page subscribers, part of the Store contract (store-contract.ts runs it on every engine). */
import { expect, it } from "vitest";
import type { Store } from "../src/store/store.js";
import type { StoredSubscription } from "../src/store/subscription-store.js";

const T0 = Date.UTC(2026, 11, 3, 7, 0, 0);
const HOUR = 3_600_000;

function pending(id: string, createdAt: number, over: Partial<StoredSubscription> = {}): StoredSubscription {
  return {
    id,
    kind: "email",
    target: `${id}@example.com`,
    components: ["acme/api"],
    confirmHash: `hash-${id}`,
    unsubscribeToken: `unsub-${id}`,
    createdAt,
    confirmedAt: null,
    ...over,
  };
}

/** Registers the cases inside runStoreContract's describe; `store` gives the fresh store of each case. */
export function subscriptionContract(store: () => Store): void {
  it("keeps subscribers: confirms a pending one once, lists confirmed ones, removes by unsubscribe token", async () => {
    const log = store().subscriptions;
    const a = pending("a", T0);
    const b = pending("b", T0 + 1, { kind: "webhook", target: "https://hooks.example/x", components: [] });
    const old = pending("old", T0 - 2 * HOUR);
    for (const s of [a, b, old]) await log.saveSubscription(s);
    expect(await log.countSubscriptions()).toBe(3);
    expect(await log.listConfirmedSubscriptions()).toEqual([]);
    // An expired link confirms nothing; a wrong hash neither.
    expect(await log.confirmSubscription("hash-old", T0, T0 - HOUR)).toBeNull();
    expect(await log.confirmSubscription("nope", T0, T0 - HOUR)).toBeNull();
    const confirmed = await log.confirmSubscription("hash-a", T0 + 5, T0 - HOUR);
    expect(confirmed).toStrictEqual({ ...a, confirmHash: null, confirmedAt: T0 + 5 });
    // Single use: the same link again confirms nothing.
    expect(await log.confirmSubscription("hash-a", T0 + 6, T0 - HOUR)).toBeNull();
    await log.saveSubscription({ ...b, confirmHash: null, confirmedAt: T0 + 2 });
    expect((await log.listConfirmedSubscriptions()).map((s) => s.id)).toEqual(["a", "b"]);
    // Pending ones made at or before the cut go; confirmed ones stay whatever their age.
    expect(await log.removePendingSubscriptions(T0 + 10)).toBe(1);
    expect(await log.countSubscriptions()).toBe(2);
    expect(await log.removeSubscription("unsub-a")).toStrictEqual(confirmed);
    expect(await log.removeSubscription("unsub-a")).toBeNull();
    expect((await log.listConfirmedSubscriptions()).map((s) => s.id)).toEqual(["b"]);
    // A new subscription of the same target replaces the others of its kind, and nothing else.
    const again = pending("again", T0 + 20, {
      kind: "webhook",
      target: b.target,
      unsubscribeToken: "unsub-again",
    });
    const mail = pending("mail", T0 + 21, { target: b.target, unsubscribeToken: "unsub-mail" });
    for (const s of [again, mail]) await log.saveSubscription(s);
    expect(await log.removeOtherSubscriptions("webhook", b.target, "again")).toBe(1);
    expect(await log.countSubscriptions()).toBe(2);
    expect(await log.removeSubscription("unsub-again")).toStrictEqual(again);
    expect(await log.removeSubscription("unsub-mail")).toStrictEqual(mail);
  });
}
