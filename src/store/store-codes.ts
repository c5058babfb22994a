/**
 * The small integers raw rows and rollups store instead of words: a status is one of three, an error class
 * one of a dozen, and repeating the word in each of millions of rows would cost more than the rest of the row.
 * The codes are stored data: never renumber one; give a new error class the next free code.
 */
import type { Status } from "../model/model-types.js";
import type { ErrorClass } from "../model/observation.js";
import { StoreError } from "./store-errors.js";

/** `up` is 0 and `degraded` 1: SQLite stores the integers 0 and 1 in no bytes beyond the row header. */
export const STATUS_CODES = { up: 0, degraded: 1, down: 2 } as const satisfies Record<Status, number>;

/** Every ErrorClass has a code (the type fails to compile when one is added without). */
const ERROR_CODES = {
  dns: 0,
  "connect-refused": 1,
  "connect-timeout": 2,
  tls: 3,
  timeout: 4,
  "http-5xx": 5,
  "http-4xx": 6,
  assertion: 7,
  protocol: 8,
  blocked: 9,
  missed: 10,
  reported: 11,
} as const satisfies Record<ErrorClass, number>;

const STATUSES = inverse(STATUS_CODES);
const ERRORS = inverse(ERROR_CODES);

function inverse<K extends string>(codes: Record<K, number>): K[] {
  const out: K[] = [];
  for (const [name, code] of Object.entries(codes) as [K, number][]) out[code] = name;
  return out;
}

export function statusCode(status: Status): number {
  const code = Object.hasOwn(STATUS_CODES, status) ? STATUS_CODES[status] : undefined;
  if (code === undefined)
    throw new StoreError("E_STORE_VALUE", `not an observation status: ${JSON.stringify(status)}`);
  return code;
}

export function errorCode(errorClass: ErrorClass | null): number | null {
  if (errorClass === null) return null;
  const code = Object.hasOwn(ERROR_CODES, errorClass) ? ERROR_CODES[errorClass] : undefined;
  if (code === undefined)
    throw new StoreError("E_STORE_VALUE", `not an error class: ${JSON.stringify(errorClass)}`);
  return code;
}

export function statusFrom(code: number): Status {
  const status = STATUSES[code];
  if (status === undefined)
    throw new StoreError("E_STORE_VALUE", `stored status code ${code} is unknown to this version; upgrade`);
  return status;
}

export function errorClassFrom(code: number | null): ErrorClass | null {
  if (code === null) return null;
  const name = ERRORS[code];
  if (name === undefined)
    throw new StoreError(
      "E_STORE_VALUE",
      `stored error class code ${code} is unknown to this version; upgrade`,
    );
  return name;
}
