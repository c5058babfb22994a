/**
 * What the hub shows of each component now: the latest result from each vantage, and the belief the open
 * incidents give it (failing as an epicenter, or affected by one). Pure: the caller passes the model and
 * the open incidents.
 */
import type { ComponentSpec } from "../model/model-types.js";
import type { Observation } from "../model/observation.js";
import type { StoredIncident } from "../store/store.js";
import type { ComponentState } from "./hub-api.js";

interface Latest {
  status: Observation["status"];
  at: number;
  errorClass: Observation["errorClass"];
}

export class LiveStates {
  /** component → vantage → latest result. */
  readonly #latest = new Map<string, Map<string, Latest>>();
  /** What the live stream was last told of each component. */
  readonly #announced = new Map<string, string>();

  /** Keeps the observation if it is the newest of its component and vantage. */
  take(o: Observation): void {
    let byVantage = this.#latest.get(o.component);
    if (!byVantage) {
      byVantage = new Map();
      this.#latest.set(o.component, byVantage);
    }
    const prev = byVantage.get(o.vantage);
    if (!prev || prev.at <= o.at)
      byVantage.set(o.vantage, { status: o.status, at: o.at, errorClass: o.errorClass });
  }

  /**
   * Observed components, and any other an open incident names, in model order; an incident's epicenter is
   * failing, what it affects is affected (the newest incident first names it, `open` being newest first).
   */
  states(components: readonly ComponentSpec[], open: readonly StoredIncident[]): ComponentState[] {
    const failing = new Map<string, string>();
    const affected = new Map<string, string>();
    for (const inc of open) {
      const top = inc.epicenter[0]?.component;
      if (top && !failing.has(top)) failing.set(top, inc.id);
      for (const a of inc.affected) if (!affected.has(a)) affected.set(a, inc.id);
    }
    const out: ComponentState[] = [];
    for (const c of components) {
      const byVantage = this.#latest.get(c.id);
      if (!c.observed && !failing.has(c.id) && !affected.has(c.id)) continue;
      const observed = [...(byVantage ?? [])]
        .map(([vantage, l]) => ({ vantage, status: l.status, at: l.at, errorClass: l.errorClass }))
        .sort((a, b) => (a.vantage < b.vantage ? -1 : 1));
      out.push({
        component: c.id,
        observed,
        belief: failing.has(c.id) ? "failing" : affected.has(c.id) ? "affected" : "up",
        incidentId: failing.get(c.id) ?? affected.get(c.id) ?? null,
      });
    }
    return out;
  }

  /** Of `states`, those whose belief, incident or statuses changed since the last call: the stream's news. */
  changed(states: readonly ComponentState[]): ComponentState[] {
    const changed: ComponentState[] = [];
    for (const s of states) {
      const sig = `${s.belief}|${s.incidentId}|${s.observed.map((o) => `${o.vantage}=${o.status}`).join(",")}`;
      if (this.#announced.get(s.component) === sig) continue;
      this.#announced.set(s.component, sig);
      changed.push(s);
    }
    return changed;
  }
}
