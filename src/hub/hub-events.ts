/** The hub's live-stream subscribers: each event goes to every one, and a failing one never stops the others. */
import type { HubEvent } from "./hub-api.js";

export class HubEvents {
  readonly #listeners = new Set<(event: HubEvent) => void>();

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: HubEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many subscriptions are held now. */
  get size(): number {
    return this.#listeners.size;
  }

  emit(event: HubEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A failing subscriber (a closed stream) must not stop the others.
      }
    }
  }
}
