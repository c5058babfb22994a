/**
 * Back-pressure at the hub's front door: thrown by `ingest` when more observations are already on their way
 * to the store (or waiting for the localizer) than the hub allows. Nothing of the refused batch was taken;
 * the HTTP API answers 503 with Retry-After, and agents retry (their batcher and spool keep the batch).
 */
export class HubBusyError extends Error {
  override readonly name = "HubBusyError";
  readonly code = "E_HUB_BUSY";
  /** A hint for the caller: try again after this many seconds. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
