/**
 * What the explanation search (explain.ts) takes and returns: its options with their defaults, the evidence
 * it weighs and the faults it answers with. Kept apart so the localizer, the co-onset weighing and the
 * search's own parts share these types without importing the search. Pure.
 */

export interface ExplainOptions {
  /** Prior cost of one more fault, in nats, in a model of up to 100 observed components. */
  faultCost: number;
  /**
   * What each e-fold of observed components beyond 100 adds to the fault cost, in nats. Naming one of N
   * components costs log N: with thousands of sites and a few vantages, flipped checks make some site look
   * down for a round or two every hour, and a threshold that does not grow with N turns that into alarms.
   */
  faultCostPerScale: number;
  /**
   * Discount, in nats, for a fault the previous explanation already held in first place: faults persist, so
   * symptoms that appear later are first tried as a new fault, not folded with the old ones under a common
   * ancestor, and a cause is not renamed after a part of its own blast radius as it recovers. Every
   * component that shared first place gets it, so ties stay ties.
   */
  persistDiscount: number;
  /** Cost of a spared edge that changes what is predicted, in nats (how unlikely partial impact is). */
  sparedCost: number;
  /** Floor of evidence probabilities: no single observed component can cost more than -log(floor). */
  evidenceFloor: number;
  /** How many alternatives to rank per fault. */
  alternatives: number;
  /** Stop adding candidates beyond this many (a guard for enormous models). */
  maxCandidates: number;
  /** Extra cost, in nats, that moves the fourth and later of a tie just below first place. */
  tieMargin: number;
}

export const DEFAULT_EXPLAIN: ExplainOptions = {
  faultCost: 5,
  faultCostPerScale: 1,
  persistDiscount: 3,
  sparedCost: 2,
  evidenceFloor: 1e-4,
  alternatives: 5,
  maxCandidates: 5000,
  tieMargin: 0.1,
};

export interface RankedCause {
  component: number;
  state: number;
  confidence: number;
  cost: number;
}

export interface ExplainedFault {
  /** The component chosen for this fault (the ranking may tie others with it). */
  component: number;
  /** Best first; ties share a confidence. */
  ranked: RankedCause[];
  /** Observed components (graph indices) this fault makes impaired. */
  explains: number[];
  /** What this fault adds to the explanation's cost, in nats, given the others (negative: it pays). */
  cost: number;
}

/** Per observed component, -log P(state) from the evidence, as `cost[3*obs + state]`. */
export interface EvidenceCosts {
  /** Graph index → observed position, or -1. */
  observedAt: Int32Array;
  cost: Float64Array;
}
