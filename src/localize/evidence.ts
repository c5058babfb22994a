/**
 * Evidence about observed components: a three-state hidden Markov filter per component (up, degraded,
 * down) fed by every trusted vantage's latest check, and a test that tells a blind vantage (its own
 * network broken: it sees everything down while the others see it up) from a real failure. Pure.
 */
import { DEGRADED, DOWN, UP } from "../model/propagate.js";

export interface EvidenceOptions {
  /** Chance a check reports the opposite of the truth (flaky checks, transient errors). */
  flipRate: number;
  /** Chance a check reports a neighbouring state (degraded instead of up or down). */
  blurRate: number;
  /** Chance per evaluation that a component changes state: the filter's memory. */
  switchRate: number;
}

export const DEFAULT_EVIDENCE: EvidenceOptions = { flipRate: 0.03, blurRate: 0.01, switchRate: 0.01 };

const FLOOR = 1e-12;

export class Evidence {
  /** belief[3*i + s]: probability that observed component i is in state s. */
  readonly belief: Float64Array;
  readonly #emit: Float64Array;
  readonly #options: EvidenceOptions;

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
    const { flipRate: e, blurRate: d } = this.#options;
    // emit[3*truth + seen]
    this.#emit = new Float64Array([1 - e - d, d, e, e, 1 - e - d, d, e, d, 1 - e - d]);
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
