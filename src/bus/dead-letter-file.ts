/**
 * The agent's dead-letter file: observations the hub refused for good (an unknown component, a field it
 * will not take), one JSON line each with the hub's reason and the time of the refusal, so an operator can
 * see what was set aside and why, and post them again once the hub's config has them. Append-only and
 * bounded: past `maxBytes` refusals are only counted (the first ones are the telling part).
 */
import { mkdirSync, statSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { RefusedObservation } from "../probe/observation-batcher.js";
import { BusError } from "./bus-errors.js";

export interface DeadLetterOptions {
  file: string;
  /** Largest file (default 64 MiB); beyond it refusals are counted, not written. */
  maxBytes?: number;
  /** Where "cannot write" and "full" go, once each (default: a process warning). */
  onWarning?: (message: string) => void;
}

/** One line of the file. */
export interface DeadLetter {
  refusedAt: string;
  status: number | null;
  reason: string;
  observation: RefusedObservation["observation"];
}

export class DeadLetterFile {
  readonly file: string;
  readonly #maxBytes: number;
  readonly #warn: (message: string) => void;
  #bytes = 0;
  #count = 0;
  #unwritten = 0;
  #warned = false;
  /** Appends run one after another, in call order. */
  #chain: Promise<void> = Promise.resolve();

  constructor(options: DeadLetterOptions) {
    this.file = options.file;
    this.#maxBytes = options.maxBytes ?? 64 * 2 ** 20;
    this.#warn = options.onWarning ?? ((m) => process.emitWarning(m));
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new BusError(
        "E_BUS_SPOOL",
        `cannot make the folder of dead-letter file ${this.file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    try {
      this.#bytes = statSync(this.file).size; // kept from earlier runs: the bound is the file's
    } catch {
      // Not there yet.
    }
  }

  /** Observations set aside since this process started (written or not). */
  get count(): number {
    return this.#count;
  }

  /** Refusals that could not be written (file full or unwritable); counted in `count` too. */
  get unwritten(): number {
    return this.#unwritten;
  }

  /** Queues the refusals for the file; never throws (the agent goes on delivering the rest). */
  add(refused: readonly RefusedObservation[]): void {
    if (refused.length === 0) return;
    this.#count += refused.length;
    const text = refused
      .map((r) => {
        const line: DeadLetter = {
          refusedAt: new Date(r.refusedAt).toISOString(),
          status: r.status,
          reason: r.reason,
          observation: r.observation,
        };
        return `${JSON.stringify(line)}\n`;
      })
      .join("");
    const size = Buffer.byteLength(text);
    if (this.#bytes + size > this.#maxBytes) {
      this.#unwritten += refused.length;
      this.#warnOnce(
        `dead-letter file ${this.file} is full (${this.#maxBytes} bytes): refusals are only counted`,
      );
      return;
    }
    this.#bytes += size;
    this.#chain = this.#chain.then(() =>
      appendFile(this.file, text, { mode: 0o600 }).catch((error: Error) => {
        this.#unwritten += refused.length;
        this.#warnOnce(`cannot write dead-letter file ${this.file}: ${error.message}`);
      }),
    );
  }

  /** Waits for the queued appends. */
  flush(): Promise<void> {
    return this.#chain;
  }

  #warnOnce(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#warn(message);
  }
}
