/**
 * Assignments in a JetStream key-value bucket (default `epicenter-assignments`), one key per vantage (its
 * subject token): the hub puts, each agent watches its own key and applies changes within a second or so.
 */
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Assignment, AssignmentStore, AssignmentWatch } from "../bus.js";
import { BusError } from "../bus-errors.js";
import { vantageToken } from "./nats-connect.js";

export interface NatsAssignmentsOptions {
  /** Default epicenter-assignments. */
  bucket?: string;
  /** Create the bucket if absent (default true: the hub); agents only open it. */
  manage?: boolean;
  /** Where a value that is not an assignment, or a broken watch, is reported (default: a process warning). */
  onError?: (error: Error) => void;
}

export class NatsAssignments implements AssignmentStore {
  readonly #kv: KV;
  readonly #onError: (error: Error) => void;

  private constructor(kv: KV, onError: (error: Error) => void) {
    this.#kv = kv;
    this.#onError = onError;
  }

  static async open(nc: NatsConnection, options: NatsAssignmentsOptions = {}): Promise<NatsAssignments> {
    const bucket = options.bucket ?? "epicenter-assignments";
    const kvm = new Kvm(nc);
    try {
      const kv = options.manage === false ? await kvm.open(bucket) : await kvm.create(bucket, { history: 1 });
      return new NatsAssignments(kv, options.onError ?? ((e) => process.emitWarning(e)));
    } catch (error) {
      throw new BusError(
        "E_BUS_UNREACHABLE",
        `cannot open assignments bucket ${bucket}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async put(vantage: string, assignment: Assignment): Promise<void> {
    await this.#kv.put(vantageToken(vantage), JSON.stringify(assignment));
  }

  async get(vantage: string): Promise<Assignment | null> {
    const entry = await this.#kv.get(vantageToken(vantage));
    return entry && entry.operation === "PUT" ? this.#parse(vantage, entry.string()) : null;
  }

  async delete(vantage: string): Promise<void> {
    await this.#kv.delete(vantageToken(vantage));
  }

  /**
   * The current value (read first, so "none yet" is reported too), then every later one. Revisions already
   * reported are skipped, so a write between the read and the watch's start is neither lost nor repeated.
   */
  watch(vantage: string, onChange: (assignment: Assignment | null) => void): AssignmentWatch {
    const key = vantageToken(vantage);
    let stopped = false;
    let stopWatch: (() => void) | null = null;
    const running = (async () => {
      const first = await this.#kv.get(key);
      let last = first?.revision ?? 0;
      if (stopped) return;
      onChange(first && first.operation === "PUT" ? this.#parse(vantage, first.string()) : null);
      const iterator = await this.#kv.watch({ key });
      stopWatch = () => iterator.stop();
      if (stopped) iterator.stop();
      for await (const entry of iterator) {
        if (entry.revision <= last) continue;
        last = entry.revision;
        onChange(entry.operation === "PUT" ? this.#parse(vantage, entry.string()) : null);
      }
    })().catch((error: unknown) => {
      if (!stopped)
        this.#onError(new Error(`watching the assignment of ${vantage}: ${(error as Error).message}`));
    });
    return {
      stop: async () => {
        stopped = true;
        stopWatch?.();
        await running;
      },
    };
  }

  #parse(vantage: string, text: string): Assignment | null {
    try {
      const value = JSON.parse(text) as Assignment;
      if (typeof value === "object" && value !== null && Array.isArray(value.checks)) return value;
    } catch {
      // reported below
    }
    this.#onError(new Error(`the assignment of ${vantage} is not {"checks": [...]}; ignored`));
    return null;
  }
}
