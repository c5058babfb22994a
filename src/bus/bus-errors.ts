/** The bus's named errors: what failed, and what to do about it. */

export type BusErrorCode =
  | "E_BUS_CLOSED"
  | "E_BUS_URL"
  | "E_BUS_CREDENTIALS"
  | "E_BUS_UNREACHABLE"
  | "E_BUS_REFUSED"
  | "E_BUS_SPOOL";

export class BusError extends Error {
  override readonly name: string = "BusError";
  readonly code: BusErrorCode;

  constructor(code: BusErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
