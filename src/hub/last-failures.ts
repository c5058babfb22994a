/**
 * The last impaired (down or degraded) observation per component and vantage, phases included, for the
 * component page's "last failing check". In memory only: the store keeps no phases, and after a restart the
 * table fills again with the next failure. One entry per (component, vantage), so it stays as small as the model.
 */
import type { Observation } from "../model/observation.js";

export class LastFailures {
  /** component → vantage → the newest impaired observation. */
  readonly #byComponent = new Map<string, Map<string, Observation>>();

  add(o: Observation): void {
    if (o.status === "up") return;
    let byVantage = this.#byComponent.get(o.component);
    if (!byVantage) {
      byVantage = new Map();
      this.#byComponent.set(o.component, byVantage);
    }
    const prev = byVantage.get(o.vantage);
    if (!prev || prev.at <= o.at) byVantage.set(o.vantage, o);
  }

  /** The component's last impaired observation from each vantage, newest first. */
  of(component: string): Observation[] {
    return [...(this.#byComponent.get(component)?.values() ?? [])].sort((a, b) => b.at - a.at);
  }

  /** Forgets components no longer in the model (after a reload). */
  keepOnly(components: ReadonlySet<string>): void {
    for (const id of this.#byComponent.keys()) if (!components.has(id)) this.#byComponent.delete(id);
  }
}
