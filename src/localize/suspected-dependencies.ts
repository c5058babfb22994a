/**
 * Suspected dependencies: what the model lacks, learned from outages. A component that keeps failing and
 * recovering together with a named cause it has no known path to (it began failing with the cause, see
 * co-onset.ts) probably depends on it. Each pair (component, cause) collects its evidence over incidents:
 * how often its failure began with the cause's, how often it recovered when the cause did, and a score.
 * Pure: fed by the incident tracker with evaluation times.
 */

export interface SuspectedDependency {
  /** The component that fails with the cause. */
  component: string;
  /** The cause it fails with: the first place of the incident it was seen in. */
  cause: string;
  /** Incidents in which it was seen failing with the cause, oldest first. */
  incidents: string[];
  /** How many of them it began failing with the cause (at its onset). */
  onsets: number;
  /** How many of them it recovered within a few evaluations of the cause's recovery. */
  recoveries: number;
  /**
   * 1 - 2^-(onsets + recoveries): each aligned onset or recovery halves the chance it is a coincidence.
   * One incident with both aligned scores 0.75; two, 0.94.
   */
  score: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * One incident's evidence for one pair, as a store keeps it: the pair's figures are these summed over
 * incidents (see suspected-evidence.ts), so evidence from several runs merges without counting twice.
 */
export interface SuspectedEvidence {
  component: string;
  cause: string;
  incident: string;
  firstSeen: number;
  lastSeen: number;
  /** Whether it recovered with the cause; null while the incident is open. */
  recovered: boolean | null;
}

/** 1 - 2^-(onsets + recoveries), to three decimals: see SuspectedDependency.score. */
export function suspicionScore(onsets: number, recoveries: number): number {
  return Math.round((1 - 2 ** -(onsets + recoveries)) * 1000) / 1000;
}

interface Sighting {
  since: number;
  last: number;
  /** The evaluation it was last seen at. */
  lastStep: number;
}

interface Open {
  /** The incident's cause when last seen. */
  cause: string;
  /** The evaluation its cause was last seen at. */
  causeStep: number;
  members: Map<string, Sighting>;
}

export class SuspectedDependencies {
  readonly #open = new Map<string, Open>();
  readonly #pairs = new Map<string, SuspectedDependency>();
  /** What `resolved` committed, per incident (for `evidence`). */
  readonly #done: SuspectedEvidence[] = [];

  constructor(
    /** Evaluations within which a member's recovery counts as the cause's. */
    readonly recoveryWindow = 3,
  ) {}

  /**
   * At time `at` (evaluation `step`), incident `incident`, whose cause is `cause`, holds `members` failing
   * through a dependency the model lacks.
   */
  seen(incident: string, cause: string, members: Iterable<string>, at: number, step: number): void {
    let open = this.#open.get(incident);
    if (!open) {
      open = { cause, causeStep: step, members: new Map() };
      this.#open.set(incident, open);
    }
    open.cause = cause;
    open.causeStep = step;
    for (const m of members) {
      const s = open.members.get(m);
      if (s) {
        s.last = at;
        s.lastStep = step;
      } else open.members.set(m, { since: at, last: at, lastStep: step });
    }
  }

  /** The incident's cause was seen at evaluation `step` without naming members (they may have recovered). */
  causeSeen(incident: string, cause: string, step: number): void {
    const open = this.#open.get(incident);
    if (!open) return;
    open.cause = cause;
    open.causeStep = step;
  }

  /** The incident resolved: its members' evidence is committed to their pairs. */
  resolved(incident: string): void {
    const open = this.#open.get(incident);
    if (!open) return;
    this.#open.delete(incident);
    for (const [component, s] of open.members) {
      if (component === open.cause) continue;
      const recovered = open.causeStep - s.lastStep <= this.recoveryWindow;
      this.#add(this.#pairs, incident, open.cause, component, s, recovered);
      this.#done.push({
        component,
        cause: open.cause,
        incident,
        firstSeen: s.since,
        lastSeen: s.last,
        recovered,
      });
    }
  }

  /** Every suspected dependency so far, the still-open incidents' evidence included; best score first. */
  list(): SuspectedDependency[] {
    const pairs = new Map<string, SuspectedDependency>();
    for (const [k, v] of this.#pairs) pairs.set(k, { ...v, incidents: [...v.incidents] });
    for (const [incident, open] of this.#open)
      for (const [component, s] of open.members)
        if (component !== open.cause) this.#add(pairs, incident, open.cause, component, s, false);
    return [...pairs.values()].sort(
      (a, b) =>
        b.score - a.score ||
        (a.component < b.component ? -1 : a.component > b.component ? 1 : a.cause < b.cause ? -1 : 1),
    );
  }

  /** The evidence behind `list`, one entry per (component, cause, incident); open incidents' with recovered null. */
  evidence(): SuspectedEvidence[] {
    const out = this.#done.map((e) => ({ ...e }));
    for (const [incident, open] of this.#open)
      for (const [component, s] of open.members)
        if (component !== open.cause)
          out.push({
            component,
            cause: open.cause,
            incident,
            firstSeen: s.since,
            lastSeen: s.last,
            recovered: null,
          });
    return out;
  }

  #add(
    pairs: Map<string, SuspectedDependency>,
    incident: string,
    cause: string,
    component: string,
    s: Sighting,
    recovered: boolean,
  ): void {
    const key = `${component}\u0000${cause}`;
    const p = pairs.get(key) ?? {
      component,
      cause,
      incidents: [],
      onsets: 0,
      recoveries: 0,
      score: 0,
      firstSeen: s.since,
      lastSeen: s.last,
    };
    if (!p.incidents.includes(incident)) {
      p.incidents.push(incident);
      p.onsets++;
      if (recovered) p.recoveries++;
    }
    p.firstSeen = Math.min(p.firstSeen, s.since);
    p.lastSeen = Math.max(p.lastSeen, s.last);
    p.score = suspicionScore(p.onsets, p.recoveries);
    pairs.set(key, p);
  }
}
