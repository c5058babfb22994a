/**
 * Assignments kept in this process: the embedded hub's, whose agents run in the same process. Values are
 * copied in and out (as a JSON store would), so a caller's later mutation changes nothing stored.
 */
import type { Assignment, AssignmentStore, AssignmentWatch } from "../bus.js";

type Listener = (assignment: Assignment | null) => void;

export class MemoryAssignments implements AssignmentStore {
  readonly #values = new Map<string, Assignment>();
  readonly #listeners = new Map<string, Set<Listener>>();

  async put(vantage: string, assignment: Assignment): Promise<void> {
    this.#values.set(vantage, structuredClone(assignment));
    this.#notify(vantage);
  }

  async get(vantage: string): Promise<Assignment | null> {
    const value = this.#values.get(vantage);
    return value ? structuredClone(value) : null;
  }

  async delete(vantage: string): Promise<void> {
    if (this.#values.delete(vantage)) this.#notify(vantage);
  }

  watch(vantage: string, onChange: Listener): AssignmentWatch {
    const listeners = this.#listeners.get(vantage) ?? new Set<Listener>();
    this.#listeners.set(vantage, listeners);
    const listener: Listener = (a) => onChange(a);
    listeners.add(listener);
    // The current value first, asynchronously, like a remote store's first answer.
    const current = this.#values.get(vantage);
    queueMicrotask(() => {
      if (listeners.has(listener)) listener(current ? structuredClone(current) : null);
    });
    return {
      stop: async () => {
        listeners.delete(listener);
      },
    };
  }

  #notify(vantage: string): void {
    const value = this.#values.get(vantage);
    for (const l of this.#listeners.get(vantage) ?? []) l(value ? structuredClone(value) : null);
  }
}
