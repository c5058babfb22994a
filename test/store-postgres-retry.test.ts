/** The PostgreSQL writer's retry on a lost connection: which errors count, and that others pass through. */
import { describe, expect, it } from "vitest";
import type { Observation } from "../src/model/observation.js";
import {
  isConflictAbort,
  isConnectionError,
  RetryingObservationWriter,
} from "../src/store/postgres/postgres-retry.js";

function coded(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe("RetryingObservationWriter", () => {
  it("names connection failures: SQLSTATE 08 and 57P, pg's socket messages; not statement errors", () => {
    expect(isConnectionError(coded("terminating connection due to administrator command", "57P01"))).toBe(
      true,
    );
    expect(isConnectionError(coded("connection failure", "08006"))).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(coded("duplicate key value", "23505"))).toBe(false);
    expect(isConnectionError(coded('relation "observations" does not exist', "42P01"))).toBe(false);
    expect(isConnectionError("Connection terminated")).toBe(false);
  });

  it("tries again after a lost connection, and gives a statement error back at once", async () => {
    const failures = [
      coded("terminating connection", "57P01"),
      new Error("Connection terminated unexpectedly"),
    ];
    let calls = 0;
    const retried: number[] = [];
    const writer = new RetryingObservationWriter(
      {
        write: async () => {
          calls++;
          const next = failures.shift();
          if (next) throw next;
          return [];
        },
      },
      { backoffMs: 1, onRetry: (_e, attempt) => retried.push(attempt) },
    );
    await writer.write([] as Observation[]);
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);

    let bad = 0;
    const strict = new RetryingObservationWriter({
      write: async () => {
        bad++;
        throw coded("value too long", "22001");
      },
    });
    await expect(strict.write([])).rejects.toThrow("value too long");
    expect(bad).toBe(1);
  });

  it("tries again a transaction aborted by a deadlock or a serialization conflict", async () => {
    expect(isConflictAbort(coded("deadlock detected", "40P01"))).toBe(true);
    expect(isConflictAbort(coded("could not serialize access", "40001"))).toBe(true);
    expect(isConflictAbort(coded("duplicate key value", "23505"))).toBe(false);
    expect(isConflictAbort("deadlock detected")).toBe(false);
    const failures = [coded("deadlock detected", "40P01"), coded("could not serialize access", "40001")];
    let calls = 0;
    const writer = new RetryingObservationWriter(
      {
        write: async () => {
          calls++;
          const next = failures.shift();
          if (next) throw next;
          return [];
        },
      },
      { backoffMs: 1 },
    );
    await writer.write([]);
    expect(calls).toBe(3);
  });

  it("gives up after its attempts", async () => {
    let calls = 0;
    const writer = new RetryingObservationWriter(
      {
        write: async () => {
          calls++;
          throw coded("the database system is shutting down", "57P03");
        },
      },
      { attempts: 3, backoffMs: 1 },
    );
    await expect(writer.write([])).rejects.toThrow("shutting down");
    expect(calls).toBe(3);
  });
});
