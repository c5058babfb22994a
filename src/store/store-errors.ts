/** The store's named errors: what failed, and what to do about it. */

export type StoreErrorCode =
  /** The database could not be opened or reached. */
  | "E_STORE_OPEN"
  /** The schema could not be brought up to date. */
  | "E_STORE_MIGRATE"
  /** An option is invalid (a schema name, a data directory). */
  | "E_STORE_OPTION"
  /** A write broke a uniqueness rule (a token hash or id already stored). */
  | "E_STORE_CONFLICT"
  /** A value the store cannot hold (a status or error class it has no code for). */
  | "E_STORE_VALUE";

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
