/**
 * Evidence about observed components: a three-state hidden Markov filter per component (up, degraded,
 * down) fed by every trusted vantage's latest check, and a test that tells a blind vantage (its own
 * network broken: it sees everything down while the others see it up) from a real failure. Pure.
 */
import { DEGRADED, DOWN, UP } from "../model/propagate.js";

export interface EvidenceOptions {
  /**
   * Chance a check reports the opposite of the truth (flaky checks, transient errors): the least the filter
   * assumes. It learns the rate the checks really show (see `adapt`) and assumes that when it is higher.
   */
  flipRate: number;
  /** Chance a check reports a neighbouring state (degraded instead of up or down). */
  blurRate: number;
  /** Chance per evaluation that a component changes state: the filter's memory. */
  switchRate: number;
}

export const DEFAULT_EVIDENCE: EvidenceOptions = { flipRate: 0.03, blurRate: 0.01, switchRate: 0.01 };

const FLOOR = 1e-12;
/**
 * A belief this sure is taken as the truth when counting how often checks contradict it (weighed before a
 * round's checks, after `predict` has drifted it: a settled belief is then just under 0.98).
 */
const FIRM = 0.95;
/** The configured flip rate counts as this many checks of evidence, so a few early flips move nothing. */
const PRIOR_CHECKS = 2000;
/** Counts are halved past this many checks, so the learnt rate follows the watching as it changes. */
const HALF_LIFE_CHECKS = 200_000;
/** The highest flip rate assumed: beyond it a check says too little to be worth weighing. */
const MAX_FLIP = 0.25;

export class Evidence {
  /** belief[3*i + s]: probability that observed component i is in state s. */
  readonly belief: Float64Array;
  #emit: Float64Array;
  readonly #options: EvidenceOptions;
  /** Checks of components whose belief was firm, and how many of them contradicted it as a flip does. */
  #firmChecks = 0;
  #contradicting = 0;
  /** The flip rate the emissions assume now. */
  #flipRate: number;

  constructor(
    readonly count: number,
    options: Partial<EvidenceOptions> = {},
  ) {
    this.#options = { ...DEFAULT_EVIDENCE, ...options };
    this.belief = new Float64Array(3 * count);
    for (let i = 0; i < count; i++) {
      this.belief[3 * i] = 0.98;
      this.belief[3 * i + 1] = 0.01;
      this.belief[3 * i + 2] = 0.01;
    }
    this.#flipRate = this.#options.flipRate;
    this.#emit = emissions(this.#flipRate, this.#options.blurRate);
  }

  /** The flip rate the filter assumes now (at least the configured one). */
  get flipRate(): number {
    return this.#flipRate;
  }

  /**
   * Learns how noisy the checks are: the share of checks that contradict a firm belief (down seen of a
   * component surely up, or up of one surely down; see `updateRound`), smoothed by the configured rate. A filter that assumes
   * 3% flips in a watching that flips 10% turns every burst of two or three flips into a failure, and each
   * into an incident of its own site; assuming the rate it sees, it asks for the evidence that rate needs.
   * Call once per evaluation, after its updates.
   */
  adapt(): void {
    if (this.#firmChecks > HALF_LIFE_CHECKS) {
      this.#firmChecks /= 2;
      this.#contradicting /= 2;
    }
    const base = this.#options.flipRate;
    const seen = (this.#contradicting + PRIOR_CHECKS * base) / (this.#firmChecks + PRIOR_CHECKS);
    const rate = Math.min(MAX_FLIP, Math.max(base, seen));
    if (Math.abs(rate - this.#flipRate) < 0.002) return;
    this.#flipRate = rate;
    this.#emit = emissions(rate, this.#options.blurRate);
  }

  /** The passage of one evaluation step: every belief drifts a little toward "anything can happen". */
  predict(i: number): void {
    const h = this.#options.switchRate;
    const b = this.belief;
    for (let s = 0; s < 3; s++) b[3 * i + s] = b[3 * i + s]! * (1 - 3 * h) + h;
  }

  /** Bayes update of component i with one check that saw `seen`. */
  update(i: number, seen: number): void {
    const b = this.belief;
    const e = this.#emit;
    const u = b[3 * i]! * e[seen]!;
    const g = b[3 * i + 1]! * e[3 + seen]!;
    const d = b[3 * i + 2]! * e[6 + seen]!;
    const total = u + g + d;
    b[3 * i] = Math.max(u / total, FLOOR);
    b[3 * i + 1] = Math.max(g / total, FLOOR);
    b[3 * i + 2] = Math.max(d / total, FLOOR);
  }

  /**
   * One round of component i: the checks every trusted vantage made of it (`seen`, in any order), each a
   * Bayes update, and the noise they show. Checks that contradict a firm belief count as flips unless all
   * of the round's checks (two or more) do: a component changing state is seen so by every vantage at once,
   * independent flips seldom are (with flip rate e, all r of them with e^r), so an outage's start and end
   * are not taken for noise in a world where outages are frequent.
   */
  updateRound(i: number, seen: ArrayLike<number>): void {
    const b = this.belief;
    const likely = this.likely(i);
    if (seen.length >= 2 && likely !== DEGRADED && b[3 * i + likely]! > FIRM) {
      const against = likely === UP ? DOWN : UP;
      let contradicting = 0;
      for (let k = 0; k < seen.length; k++) if (seen[k] === against) contradicting++;
      if (contradicting < seen.length) {
        this.#firmChecks += seen.length;
        this.#contradicting += contradicting;
      }
    }
    for (let k = 0; k < seen.length; k++) this.update(i, seen[k]!);
  }

  /** The most probable state of component i. */
  likely(i: number): number {
    const b = this.belief;
    const u = b[3 * i]!;
    const g = b[3 * i + 1]!;
    const d = b[3 * i + 2]!;
    return u >= g && u >= d ? UP : d >= g ? DOWN : DEGRADED;
  }

  probability(i: number, state: number): number {
    return this.belief[3 * i + state]!;
  }
}

/** emit[3*truth + seen] for a flip rate e and a blur rate d. */
function emissions(e: number, d: number): Float64Array {
  return new Float64Array([1 - e - d, d, e, e, 1 - e - d, d, e, d, 1 - e - d]);
}

export interface VantageVerdict {
  blind: boolean;
  /** Share of components the others see working that this vantage sees down. */
  disagreement: number;
  /** How many components the verdict rests on. */
  basis: number;
}

/**
 * Which vantages are blind, from one round of fresh checks. `seen[v][i]` is vantage v's latest check of
 * observed component i this round, or -1 when it has none. A vantage is blind when it sees down most of
 * what the majority of the other vantages sees working; alone, when it sees nearly everything down.
 */
export function judgeVantages(seen: ReadonlyArray<Int8Array>, minBasis = 3): VantageVerdict[] {
  const vantages = seen.length;
  const count = seen[0]?.length ?? 0;
  const working = new Int32Array(count);
  const reporting = new Int32Array(count);
  for (const row of seen)
    for (let i = 0; i < count; i++) {
      const s = row[i]!;
      if (s < 0) continue;
      reporting[i]!++;
      if (s !== DOWN) working[i]!++;
    }
  return seen.map((row) => {
    let basis = 0;
    let against = 0;
    let reported = 0;
    let down = 0;
    for (let i = 0; i < count; i++) {
      const s = row[i]!;
      if (s < 0) continue;
      reported++;
      if (s === DOWN) down++;
      const othersReporting = reporting[i]! - 1;
      if (othersReporting <= 0) continue;
      const othersWorking = working[i]! - (s !== DOWN ? 1 : 0);
      if (othersWorking * 2 <= othersReporting) continue;
      basis++;
      if (s === DOWN) against++;
    }
    if (vantages === 1 || basis === 0) {
      const share = reported > 0 ? down / reported : 0;
      return {
        blind: vantages === 1 && reported >= minBasis && share >= 0.9,
        disagreement: share,
        basis: reported,
      };
    }
    const disagreement = against / basis;
    return { blind: basis >= minBasis && disagreement >= 0.6, disagreement, basis };
  });
}
