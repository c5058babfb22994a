/** API tokens as the store keeps them: only a hash of the secret, and a revocation time once revoked. */
import type { Kysely } from "kysely";
import type { StoredToken } from "./store.js";
import { StoreError } from "./store-errors.js";
import * as rows from "./store-rows.js";
import type { StoreDatabase } from "./store-tables.js";

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselyTokenStore {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
  }

  /** Throws StoreError E_STORE_CONFLICT when the id or the hash is already stored. */
  async createToken(token: StoredToken): Promise<void> {
    const r = await this.#db
      .insertInto("tokens")
      .values(rows.tokenRow(token))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw new StoreError(
        "E_STORE_CONFLICT",
        `token ${token.id} not created: its id or secret is already stored; make a new token`,
      );
    }
  }

  async findTokenByHash(hash: string): Promise<StoredToken | null> {
    const r = await this.#db.selectFrom("tokens").selectAll().where("hash", "=", hash).executeTakeFirst();
    return r ? rows.tokenFrom(r) : null;
  }

  /** Newest created first (ties by id). */
  async listTokens(): Promise<StoredToken[]> {
    const found = await this.#db
      .selectFrom("tokens")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id")
      .execute();
    return found.map(rows.tokenFrom);
  }

  /** Revoking twice keeps the first revocation time and still returns true. */
  async revokeToken(id: string, at: number): Promise<boolean> {
    const r = await this.#db
      .updateTable("tokens")
      .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", eb.val(at)) }))
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
