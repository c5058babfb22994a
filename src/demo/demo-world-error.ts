/**
 * The one error of the demo world: a fault it cannot inject, or a loopback address it cannot listen on. Its
 * own file because both the world's faults (demo-faults.ts) and its servers (demo-servers.ts) throw it.
 */
export type DemoWorldErrorCode = "unknown-target" | "bad-fault" | "loopback-unavailable" | "port-in-use";

export class DemoWorldError extends Error {
  override readonly name = "DemoWorldError";
  constructor(
    readonly code: DemoWorldErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
