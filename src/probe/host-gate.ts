/**
 * Admission for check attempts: at most `global` in flight, at most `perHost` against one host. A waiter for a
 * full host waits in that host's queue only, so a hanging host holds its own slots and never the others'.
 */
import type { Check } from "./check-types.js";

/** The host a check connects to (`host:port`), the unit of the per-host limit. */
export function hostKey(check: Check): string {
  switch (check.type) {
    case "http":
    case "statuspage":
      try {
        return new URL(check.url).host;
      } catch {
        return check.url;
      }
    case "tcp":
    case "tls":
      return `${check.host}:${check.port}`;
    case "dns":
      return check.server ?? "dns";
    case "heartbeat":
      return "heartbeat";
  }
}

/** Something waiting for a slot; its `host` must not change while it waits. */
export interface GateWaiter {
  readonly host: string;
}

/** A FIFO queue that does not shift arrays. */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  drain(): T[] {
    const rest = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

/**
 * Waiters are the caller's own objects, answered through one `onGrant` callback: no promise or closure per
 * wait, which matters when thousands of runs wait for a busy host.
 */
export class HostGate<W extends GateWaiter> {
  readonly #global: number;
  readonly #perHost: number;
  readonly #onGrant: (waiter: W, ok: boolean) => void;
  #active = 0;
  readonly #hostActive = new Map<string, number>();
  readonly #globalQueue = new Queue<W>();
  readonly #hostQueues = new Map<string, Queue<W>>();
  #waiting = 0;
  #closed = false;

  constructor(global: number, perHost: number, onGrant: (waiter: W, ok: boolean) => void) {
    if (!(global >= 1 && perHost >= 1)) throw new RangeError("concurrency limits must be at least 1");
    this.#global = global;
    this.#perHost = perHost;
    this.#onGrant = onGrant;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Takes a slot now if one is free. */
  tryAcquire(host: string): boolean {
    if (this.#closed || this.#active >= this.#global) return false;
    const n = this.#hostActive.get(host) ?? 0;
    if (n >= this.#perHost) return false;
    this.#take(host, n);
    return true;
  }

  /**
   * Takes a slot for `waiter`: now if one is free, else when one frees, in order. `onGrant(waiter, true)` is
   * called with the slot held (synchronously when it was free), `onGrant(waiter, false)` when the gate closed first.
   */
  acquire(waiter: W): void {
    if (this.tryAcquire(waiter.host)) this.#onGrant(waiter, true);
    else if (this.#closed) this.#onGrant(waiter, false);
    else {
      this.#waiting++;
      this.#enqueue(waiter);
    }
  }

  release(host: string): void {
    this.#active--;
    const n = (this.#hostActive.get(host) ?? 1) - 1;
    if (n === 0) this.#hostActive.delete(host);
    else this.#hostActive.set(host, n);
    if (this.#closed) return;
    const hostQueue = this.#hostQueues.get(host);
    if (hostQueue) {
      // The host has a free slot: its first waiter goes now, or first in line for the next global slot.
      const w = hostQueue.shift()!;
      if (hostQueue.length === 0) this.#hostQueues.delete(host);
      if (this.#active < this.#global) this.#grant(w);
      else this.#globalQueue.push(w);
    }
    while (this.#active < this.#global && this.#globalQueue.length > 0) {
      const w = this.#globalQueue.shift()!;
      if ((this.#hostActive.get(w.host) ?? 0) >= this.#perHost) this.#enqueue(w);
      else this.#grant(w);
    }
  }

  /** Refuses every waiter and every later acquire. */
  close(): void {
    this.#closed = true;
    const all = [...this.#globalQueue.drain(), ...[...this.#hostQueues.values()].flatMap((q) => q.drain())];
    this.#hostQueues.clear();
    this.#waiting = 0;
    for (const w of all) this.#onGrant(w, false);
  }

  #enqueue(w: W): void {
    if ((this.#hostActive.get(w.host) ?? 0) >= this.#perHost) {
      const queue = this.#hostQueues.get(w.host) ?? new Queue<W>();
      queue.push(w);
      this.#hostQueues.set(w.host, queue);
    } else this.#globalQueue.push(w);
  }

  #grant(w: W): void {
    this.#waiting--;
    this.#take(w.host, this.#hostActive.get(w.host) ?? 0);
    this.#onGrant(w, true);
  }

  #take(host: string, n: number): void {
    this.#active++;
    this.#hostActive.set(host, n + 1);
  }
}
