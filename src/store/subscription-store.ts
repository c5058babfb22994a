/**
 * The status page's subscribers (e-mail addresses and webhook URLs) the store keeps, shared by every replica.
 * An e-mail subscription stays pending until its confirmation link is followed: only the hash of that link's
 * token is stored, and following it clears the hash, so a link works once. The unsubscribe token is kept as
 * written because every message must carry it (the hub writes it into each one); it can only remove the
 * subscription it belongs to.
 */
import type { Kysely } from "kysely";
import type { StoreDatabase, SubscriptionsTable } from "./store-tables.js";

export type SubscriptionKind = "email" | "webhook";

/** One subscriber; times epoch ms. */
export interface StoredSubscription {
  id: string;
  kind: SubscriptionKind;
  /** The e-mail address or the webhook URL. */
  target: string;
  /** Status-page components it follows; empty: all of them. */
  components: string[];
  /** SHA-256 hex of the pending confirmation token; null once confirmed. */
  confirmHash: string | null;
  unsubscribeToken: string;
  createdAt: number;
  /** When it was confirmed; null while pending. */
  confirmedAt: number | null;
}

/** The store's subscribers. */
export interface SubscriptionLog {
  /** Inserts or replaces by id. */
  saveSubscription(s: StoredSubscription): Promise<void>;
  /**
   * Confirms the pending subscription whose token hashes to `confirmHash`, if it was made after
   * `madeAfter` (older links have expired); clears the hash so the link works once. The subscription as
   * now stored, or null.
   */
  confirmSubscription(confirmHash: string, at: number, madeAfter: number): Promise<StoredSubscription | null>;
  /** Removes the subscription with this unsubscribe token; what was removed, or null. */
  removeSubscription(unsubscribeToken: string): Promise<StoredSubscription | null>;
  /** Removes the other subscriptions of this kind and target (a new one replaces them); how many went. */
  removeOtherSubscriptions(kind: SubscriptionKind, target: string, keepId: string): Promise<number>;
  /** Confirmed subscriptions, oldest first. */
  listConfirmedSubscriptions(): Promise<StoredSubscription[]>;
  /** Every subscription, pending ones included (the size bound). */
  countSubscriptions(): Promise<number>;
  /** Drops pending subscriptions made at or before `madeBefore`; how many went. */
  removePendingSubscriptions(madeBefore: number): Promise<number>;
}

function fromRow(r: SubscriptionsTable): StoredSubscription {
  return {
    id: r.id,
    kind: r.kind === "webhook" ? "webhook" : "email",
    target: r.target,
    components: JSON.parse(r.components) as string[],
    confirmHash: r.confirm_hash,
    unsubscribeToken: r.unsubscribe_token,
    createdAt: Number(r.created_at),
    confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
  };
}

function toRow(s: StoredSubscription): SubscriptionsTable {
  return {
    id: s.id,
    kind: s.kind,
    target: s.target,
    components: JSON.stringify(s.components),
    confirm_hash: s.confirmHash,
    unsubscribe_token: s.unsubscribeToken,
    created_at: s.createdAt,
    confirmed_at: s.confirmedAt,
  };
}

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselySubscriptionLog implements SubscriptionLog {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
  }

  async saveSubscription(s: StoredSubscription): Promise<void> {
    const row = toRow(s);
    const { id: _, ...rest } = row;
    await this.#db
      .insertInto("subscriptions")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(rest))
      .execute();
  }

  async confirmSubscription(
    confirmHash: string,
    at: number,
    madeAfter: number,
  ): Promise<StoredSubscription | null> {
    // One UPDATE decides: two clicks racing on two replicas cannot both confirm.
    const updated = await this.#db
      .updateTable("subscriptions")
      .set({ confirm_hash: null, confirmed_at: at })
      .where("confirm_hash", "=", confirmHash)
      .where("created_at", ">", madeAfter)
      .returningAll()
      .executeTakeFirst();
    return updated ? fromRow(updated) : null;
  }

  async removeSubscription(unsubscribeToken: string): Promise<StoredSubscription | null> {
    const removed = await this.#db
      .deleteFrom("subscriptions")
      .where("unsubscribe_token", "=", unsubscribeToken)
      .returningAll()
      .executeTakeFirst();
    return removed ? fromRow(removed) : null;
  }

  async removeOtherSubscriptions(kind: SubscriptionKind, target: string, keepId: string): Promise<number> {
    const result = await this.#db
      .deleteFrom("subscriptions")
      .where("kind", "=", kind)
      .where("target", "=", target)
      .where("id", "<>", keepId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listConfirmedSubscriptions(): Promise<StoredSubscription[]> {
    const rows = await this.#db
      .selectFrom("subscriptions")
      .selectAll()
      .where("confirmed_at", "is not", null)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(fromRow);
  }

  async countSubscriptions(): Promise<number> {
    const row = await this.#db
      .selectFrom("subscriptions")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async removePendingSubscriptions(madeBefore: number): Promise<number> {
    const result = await this.#db
      .deleteFrom("subscriptions")
      .where("confirmed_at", "is", null)
      .where("created_at", "<=", madeBefore)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
