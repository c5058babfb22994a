/**
 * Turns a stream of per-evaluation explanations into incidents: one per epicenter, opened only when a cause
 * persists, updated as the ranked hypotheses change, resolved with hysteresis, and reopened (not duplicated)
 * when the same cause flaps back soon after. Pure.
 */

import { SuspectedDependencies } from "./suspected-dependencies.js";

export interface Ranked {
  component: string;
  confidence: number;
}

export interface HistoryEntry {
  at: number;
  epicenter: Ranked[];
}

export interface Incident {
  id: string;
  openedAt: number;
  resolvedAt: number | null;
  epicenter: Ranked[];
  affected: string[];
  history: HistoryEntry[];
  /** True when the epicenter is a vantage: the watcher's own network is broken. */
  vantage: boolean;
  /** Affected components that failed with the cause but have no path to it in the model (sorted). */
  suspected?: string[];
}

/** One cause the localizer believes active at an evaluation. */
export interface Cause {
  ranked: Ranked[];
  affected: string[];
  vantage: boolean;
  /** Affected components that began failing with this cause but have no path to it in the model. */
  suspected?: string[];
  /** True when no modelled component explains the failures: a common cause outside the model. */
  unexplained?: boolean;
}

export interface TrackerOptions {
  /** Consecutive evaluations a cause must persist before an incident opens. */
  openAfter: number;
  /** Consecutive evaluations without its cause before an incident resolves. */
  resolveAfter: number;
  /** Evaluations after resolution during which the same cause reopens the incident instead of a new one. */
  reopenWithin: number;
  /** A confidence change smaller than this is not a new history entry. */
  confidenceStep: number;
  /**
   * Evaluations within which a lone component blaming itself, starting with a larger cause, is taken for a
   * symptom of that cause through a dependency the model does not know, rather than a separate incident.
   */
  coOnset: number;
  /**
   * Consecutive evaluations a new first-place epicenter must hold before the incident takes it. 1 takes it
   * at once (replays: every vantage checks everything at the same instant). Live checks are spread over the
   * round, so the round in which an outage ends sees part of the symptoms gone and part not yet re-checked,
   * which for one evaluation looks like a narrower cause; 2 keeps that from renaming the incident.
   */
  changeAfter: number;
  /**
   * Consecutive evaluations a new first place must hold when it comes as the incident shrinks (nothing
   * newly failing, fewer failing than at the last evaluation). A cause recovers all at once, but its checks
   * do not report at once: one started before the recovery answers with a timeout up to a check timeout
   * later, and for as long the part still reported failing looks like a narrower cause (a region's tail
   * looks like its ec2). Live, the hub sets it to outlast a check's timeout and the round's grace; at least
   * `changeAfter`; 1 in replays, whose checks all answer at the instant of their round.
   */
  tailAfter: number;
  /**
   * Evaluations from an incident's onset during which a cause that explains its failures may take it over
   * however much more it affects (its cause is still growing); later, only a cause whose failures are mostly
   * the incident's own may.
   */
  growWindow: number;
  /**
   * Least total confidence of a cause's ranked alternatives for it to count towards opening an incident:
   * below it, "no fault at all" is the likelier reading (a few flipped checks), so it raises nothing.
   */
  minOpenConfidence: number;
  /**
   * Where the incidents' suspected dependencies are recorded (default: a new one per tracker); the hub
   * passes its own to read their evidence per incident and keep it across restarts.
   */
  suspected?: SuspectedDependencies;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  openAfter: 2,
  resolveAfter: 3,
  reopenWithin: 6,
  confidenceStep: 0.05,
  coOnset: 2,
  changeAfter: 1,
  tailAfter: 1,
  growWindow: 4,
  minOpenConfidence: 0.5,
};

export type IncidentEvent =
  | { type: "opened"; incident: Incident }
  | { type: "changed"; incident: Incident }
  | { type: "resolved"; incident: Incident };

interface Tracked {
  incident: Incident;
  misses: number;
  /** Evaluation number at resolution (for reopening). */
  resolvedStep: number;
  affected: Set<string>;
  /** What its cause held affected when last seen. */
  current: Set<string>;
  names: Set<string>;
  /** When its cause was first seen. */
  onsetStep: number;
  /** Lone components whose self-blame this incident absorbed (see `coOnset`). */
  absorbed: Set<string>;
  /**
   * A new first place waiting out `changeAfter`, for how many evaluations it has held, and whether it came
   * as the incident shrank (then it waits out `tailAfter`).
   */
  challenger: { component: string; seen: number; tail: boolean } | null;
}

interface Pending {
  cause: Cause;
  seen: number;
  firstStep: number;
  lastStep: number;
}

export class IncidentTracker {
  readonly incidents: Incident[] = [];
  /** What the incidents taught about dependencies the model lacks. */
  readonly suspected: SuspectedDependencies;
  readonly #o: TrackerOptions;
  readonly #tracked: Tracked[] = [];
  #pending: Pending[] = [];
  #step = 0;
  #nextId = 1;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.#o = { ...DEFAULT_TRACKER, ...options };
    this.suspected = options.suspected ?? new SuspectedDependencies();
  }

  /** Feeds the causes believed at time `at`; returns what changed. */
  observe(at: number, causes: ReadonlyArray<Cause>): IncidentEvent[] {
    const step = ++this.#step;
    const events: IncidentEvent[] = [];
    const matched = new Set<Tracked>();
    const fresh: Cause[] = [];
    // Causes that name an incident claim it first; only then may the others follow one by its failures
    // (a new cause overlapping an incident whose own cause is still there must not take it over).
    const targets = new Map<Cause, Tracked | undefined>();
    for (const pass of ["top", "names", "failures"] as const)
      for (const cause of causes) {
        if (targets.get(cause) || this.#absorbedBy(cause)) continue;
        const target = this.#match(cause, matched, pass);
        if (target) matched.add(target);
        targets.set(cause, target);
      }
    // Live, what is left of a recovering incident is its own: the first such cause continues it (a rename
    // waits out tailAfter), the others join it rather than open incidents of their own.
    const remains = new Map<Cause, Tracked>();
    if (this.#o.tailAfter > 1)
      for (const cause of causes) {
        if (targets.get(cause) || this.#absorbedBy(cause)) continue;
        const host = this.#remainsOf(cause);
        if (!host) continue;
        if (matched.has(host)) remains.set(cause, host);
        else {
          matched.add(host);
          targets.set(cause, host);
        }
      }
    matched.clear();
    for (const cause of causes) {
      const host = this.#absorbedBy(cause) ?? remains.get(cause);
      if (host) {
        this.#absorb(host, cause);
        this.#suspect(host, cause.affected, at, step);
        continue;
      }
      const target = targets.get(cause);
      if (!target) {
        fresh.push(cause);
        continue;
      }
      matched.add(target);
      const shrinking = target.misses === 0 && shrinks(target.current, cause.affected);
      target.misses = 0;
      target.current = new Set(cause.affected);
      const inc = target.incident;
      if (inc.resolvedAt !== null) {
        // Reopened by the same cause: with what it affects now, not what it affected before.
        inc.resolvedAt = null;
        target.affected = new Set(cause.affected);
        target.absorbed.clear();
        events.push({ type: "opened", incident: inc });
      }
      for (const a of cause.affected) target.affected.add(a);
      for (const r of firstPlace(cause.ranked)) target.names.add(r.component);
      inc.affected = [...target.affected].sort();
      this.#suspect(target, cause.suspected ?? [], at, step);
      if (this.#holdsBack(target, cause.ranked, shrinking)) continue;
      if (this.#differs(inc.epicenter, cause.ranked)) {
        inc.epicenter = cause.ranked;
        inc.history.push({ at, epicenter: cause.ranked });
        events.push({ type: "changed", incident: inc });
      }
    }
    // What joined an incident as its remains is still failing with it: the next evaluation's tail is
    // measured against it too.
    for (const [cause, host] of remains) for (const a of cause.affected) host.current.add(a);
    for (const t of this.#tracked) {
      if (matched.has(t) || t.incident.resolvedAt !== null) continue;
      if (++t.misses >= this.#o.resolveAfter) {
        t.incident.resolvedAt = at;
        t.resolvedStep = step;
        this.suspected.resolved(t.incident.id);
        events.push({ type: "resolved", incident: t.incident });
      }
    }
    // Causes not yet incidents must persist before one opens.
    const pending: Pending[] = [];
    for (const cause of fresh) {
      if (cause.ranked.reduce((sum, r) => sum + r.confidence, 0) < this.#o.minOpenConfidence) continue;
      const prev = this.#pending.find((p) => p.lastStep === step - 1 && overlaps(p.cause, cause));
      const entry: Pending = {
        cause,
        seen: prev ? prev.seen + 1 : 1,
        firstStep: prev?.firstStep ?? step,
        lastStep: step,
      };
      if (entry.seen < this.#o.openAfter) {
        pending.push(entry);
        continue;
      }
      const host = isLone(cause) ? this.#coOnsetHost(entry.firstStep) : undefined;
      if (host) {
        host.absorbed.add(cause.ranked[0]!.component);
        this.#absorb(host, cause);
        this.#suspect(host, cause.affected, at, step);
      } else {
        const incident = this.#open(at, cause, entry.firstStep);
        this.#suspect(this.#tracked.at(-1)!, cause.suspected ?? [], at, step);
        events.push({ type: "opened", incident });
      }
    }
    this.#pending = pending;
    return events;
  }

  /** The open incidents. */
  open(): Incident[] {
    return this.incidents.filter((i) => i.resolvedAt === null);
  }

  /**
   * The open incident, its cause seen at the last evaluation, of whose failures this cause holds only some
   * and nothing else: its tail, as its checks answer late (see `tailAfter`).
   */
  #remainsOf(cause: Cause): Tracked | undefined {
    if (cause.vantage || cause.affected.length === 0) return undefined;
    return this.#tracked.find(
      (t) =>
        t.incident.resolvedAt === null &&
        !t.incident.vantage &&
        t.misses === 0 &&
        shrinks(t.current, cause.affected),
    );
  }

  /** The open incident that absorbed this lone cause before, if any. */
  #absorbedBy(cause: Cause): Tracked | undefined {
    if (!isLone(cause)) return undefined;
    const top = cause.ranked[0]!.component;
    return this.#tracked.find((t) => t.incident.resolvedAt === null && t.absorbed.has(top));
  }

  /** An open incident with a larger cause that began within `coOnset` evaluations of `firstStep`. */
  #coOnsetHost(firstStep: number): Tracked | undefined {
    return this.#tracked.find(
      (t) =>
        t.incident.resolvedAt === null &&
        !t.incident.vantage &&
        t.affected.size > 1 &&
        Math.abs(t.onsetStep - firstStep) <= this.#o.coOnset,
    );
  }

  /** Records what an incident holds failing through a dependency the model lacks (see suspected-dependencies.ts). */
  #suspect(t: Tracked, members: ReadonlyArray<string>, at: number, step: number): void {
    const inc = t.incident;
    const cause = inc.epicenter[0]?.component;
    if (inc.vantage || cause === undefined) return;
    if (members.length === 0) {
      this.suspected.causeSeen(inc.id, cause, step);
      return;
    }
    this.suspected.seen(inc.id, cause, members, at, step);
    inc.suspected = [...new Set([...(inc.suspected ?? []), ...members])].sort();
  }

  #absorb(host: Tracked, cause: Cause): void {
    for (const a of cause.affected) host.affected.add(a);
    host.incident.affected = [...host.affected].sort();
  }

  #open(at: number, cause: Cause, onsetStep: number): Incident {
    const incident: Incident = {
      id: `inc-${this.#nextId++}`,
      openedAt: at,
      resolvedAt: null,
      epicenter: cause.ranked,
      affected: [...cause.affected].sort(),
      history: [{ at, epicenter: cause.ranked }],
      vantage: cause.vantage,
    };
    this.incidents.push(incident);
    this.#tracked.push({
      incident,
      misses: 0,
      resolvedStep: 0,
      affected: new Set(cause.affected),
      current: new Set(cause.affected),
      names: new Set(firstPlace(cause.ranked).map((r) => r.component)),
      onsetStep,
      absorbed: new Set(),
      challenger: null,
    });
    return incident;
  }

  /**
   * The open (or recently resolved) incident this cause continues, if any: one it names the same, or, for an
   * open incident whose cause was there at the last evaluation, one whose current failures it mostly explains
   * (a better explanation of the same failures). An incident whose cause has gone is not renamed after a
   * new cause that happens to touch what it affected (a handover), and a resolved one reopens only for the
   * cause it was resolved with.
   */
  #match(cause: Cause, taken: Set<Tracked>, by: "top" | "names" | "failures"): Tracked | undefined {
    const top = cause.ranked[0]?.component;
    let best: Tracked | undefined;
    let bestScore = 0;
    for (const t of this.#tracked) {
      if (taken.has(t) || t.incident.vantage !== cause.vantage) continue;
      const inc = t.incident;
      const resolved = inc.resolvedAt !== null;
      if (resolved && this.#step - t.resolvedStep > this.#o.reopenWithin) continue;
      let score = 0;
      if (top !== undefined && inc.epicenter[0]?.component === top) score = 3;
      else if (resolved) continue;
      else if (by !== "top" && top !== undefined && t.names.has(top)) score = 2;
      else if (by === "failures" && cause.affected.length > 0 && t.misses === 0) {
        let shared = 0;
        for (const a of cause.affected) if (t.current.has(a)) shared++;
        // It must explain most of what the incident has failing now: a lone site still failing for another
        // reason as the cause ends is not a better explanation of the incident's failures.
        const explainsIt = shared > 0 && shared * 2 >= t.current.size;
        // And, once the incident is past its onset, what the cause holds failing must be mostly what the
        // incident held: a larger cause that begins later and happens to cover a smaller one's few symptoms
        // (a DNS provider failing under sites a degraded cloud service already impaired) is a new incident,
        // not a better name for the old one. While the incident is young its cause may still grow.
        const young = this.#step - t.onsetStep <= this.#o.growWindow;
        let known = 0;
        if (!young) for (const a of cause.affected) if (t.affected.has(a)) known++;
        if (explainsIt && (young || known * 2 >= cause.affected.length))
          score = 1 + shared / cause.affected.length;
      }
      if (resolved) score -= 0.5;
      if (score > bestScore) {
        bestScore = score;
        best = t;
      }
    }
    return best;
  }

  /**
   * True while a new first place has not yet held for `changeAfter` evaluations, or `tailAfter` when it came
   * as the incident shrank (the incident keeps its own).
   */
  #holdsBack(t: Tracked, ranked: Ranked[], shrinking: boolean): boolean {
    const top = ranked[0]?.component;
    const { changeAfter } = this.#o;
    const tailAfter = Math.max(changeAfter, this.#o.tailAfter);
    if (tailAfter <= 1 || top === undefined || top === t.incident.epicenter[0]?.component) {
      t.challenger = null;
      return false;
    }
    t.challenger =
      t.challenger?.component === top
        ? { component: top, seen: t.challenger.seen + 1, tail: t.challenger.tail }
        : { component: top, seen: 1, tail: shrinking };
    if (t.challenger.seen >= (t.challenger.tail ? tailAfter : changeAfter)) {
      t.challenger = null;
      return false;
    }
    return true;
  }

  #differs(a: Ranked[], b: Ranked[]): boolean {
    if (a.length !== b.length) return true;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.component !== b[i]!.component) return true;
      if (Math.abs(a[i]!.confidence - b[i]!.confidence) >= this.#o.confidenceStep) return true;
    }
    return false;
  }
}

/** Whether `now` holds only members of `before`, and fewer: the incident is recovering, nothing new fails. */
function shrinks(before: ReadonlySet<string>, now: ReadonlyArray<string>): boolean {
  if (now.length >= before.size) return false;
  for (const a of now) if (!before.has(a)) return false;
  return true;
}

/** The alternatives that share the highest confidence. */
function firstPlace(ranked: ReadonlyArray<Ranked>): Ranked[] {
  const top = ranked[0]?.confidence ?? 0;
  return ranked.filter((r) => r.confidence >= top - 1e-9);
}

/** A single observed component blaming itself: what a dependency missing from the model looks like. */
function isLone(cause: Cause): boolean {
  return !cause.vantage && cause.affected.length === 1 && cause.ranked[0]?.component === cause.affected[0];
}

function overlaps(a: Cause, b: Cause): boolean {
  if (a.vantage !== b.vantage) return false;
  if (a.ranked[0]?.component === b.ranked[0]?.component) return true;
  const names = new Set(a.ranked.map((r) => r.component));
  if (b.ranked.some((r) => names.has(r.component))) return true;
  const affected = new Set(a.affected);
  return b.affected.some((x) => affected.has(x));
}
