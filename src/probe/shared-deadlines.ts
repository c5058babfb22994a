/**
 * Deadlines for check attempts, shared: attempts of one timeout whose deadlines fall in the same
 * millisecond share one AbortController and one timer. A fresh AbortSignal costs microseconds in Node 20
 * (as much as a tenth of a keep-alive request) and timers are millisecond-grained anyway, so at thousands
 * of checks a second this saves real CPU and moves no deadline.
 */
import { setMaxListeners } from "node:events";

export interface Deadline<T> {
  /** The owner's clock, ms: an integer, at or after each member's begin + timeoutMs. */
  readonly at: number;
  readonly timeoutMs: number;
  /** Aborted with a TimeoutError when the deadline passes with members left (or by the owner, at stop). */
  readonly controller: AbortController;
  readonly members: Set<T>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class SharedDeadlines<T> {
  /** The deadline new members of each timeout join while it is the current millisecond's. */
  readonly #open = new Map<number, Deadline<T>>();
  readonly #now: () => number;
  readonly #onExpire: (member: T) => void;

  /** `onExpire` is called for each member still in when its deadline passes, after the abort. */
  constructor(now: () => number, onExpire: (member: T) => void) {
    this.#now = now;
    this.#onExpire = onExpire;
  }

  /** Adds `member`, beginning at `begin`, to the deadline begin + timeoutMs (made and armed when new). */
  join(member: T, timeoutMs: number, begin: number): Deadline<T> {
    const at = Math.ceil(begin + timeoutMs);
    let deadline = this.#open.get(timeoutMs);
    if (deadline === undefined || deadline.at !== at) {
      const controller = new AbortController();
      // Every attempt of the millisecond may listen on this one signal.
      setMaxListeners(0, controller.signal);
      const made: Deadline<T> = { at, timeoutMs, controller, members: new Set(), timer: undefined };
      made.timer = setTimeout(() => this.#expire(made), Math.max(0, at - this.#now()));
      this.#open.set(timeoutMs, made);
      deadline = made;
    }
    deadline.members.add(member);
    return deadline;
  }

  /** Removes `member`; a deadline left with none is disarmed. */
  leave(deadline: Deadline<T>, member: T): void {
    deadline.members.delete(member);
    if (deadline.members.size === 0) this.#drop(deadline);
  }

  #drop(deadline: Deadline<T>): void {
    clearTimeout(deadline.timer);
    if (this.#open.get(deadline.timeoutMs) === deadline) this.#open.delete(deadline.timeoutMs);
  }

  #expire(deadline: Deadline<T>): void {
    this.#drop(deadline);
    if (deadline.members.size === 0) return;
    deadline.controller.abort(
      new DOMException(`check timed out after ${deadline.timeoutMs} ms`, "TimeoutError"),
    );
    for (const member of deadline.members) this.#onExpire(member);
  }
}
