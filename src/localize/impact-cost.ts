/**
 * What the spared edges of a partial fault cost together. Pricing each spared edge alike (`sparedCost`
 * nats) says a fault that strikes a quarter of what needs it is as unlikely as four faults: a cause that
 * grows (DNS records expiring cache by cache, a control plane losing capacity) is then told as one
 * incident per site until it strikes nearly all. A fault's impact is unknown, so its spared edges are
 * priced by the marginal likelihood of striking k of n (in this order): after a point mass at impact 1 (a
 * fault that strikes everything), impact is uniform on [MIN_IMPACT, 1], so
 *
 *   P = (1 - FULL) / (1 - MIN_IMPACT) · ∫ p^k (1-p)^m dp over [MIN_IMPACT, 1]
 *     = (1 - FULL) / (1 - MIN_IMPACT) · k! m! / (n+1)! · P(Binomial(n+1, MIN_IMPACT) ≤ k).
 *
 * The floor on impact keeps a large component from absorbing a few scattered failures below it (a provider
 * "striking" 3% of its sites is a cause outside the model, or several small ones, not a partial provider
 * outage). The result never costs more than the per-edge price (a few spared edges stay as cheap as they
 * were), and a fault that strikes nothing gets no relief. Pure.
 */

/** Share of faults that strike every edge (impact 1) in the prior over impact. */
const FULL_IMPACT_SHARE = 0.5;
/** The least impact a partial fault is believed to have. */
const MIN_IMPACT = 0.25;

/** -log P(these `struck` of `struck + spared` edges struck | a partial fault), in nats. */
export function partialImpactCost(struck: number, spared: number): number {
  // log((n+1)! / (k! m!)) = log(n + 1) + log C(n, m), summed from the smaller side.
  const n = struck + spared;
  const small = Math.min(struck, spared);
  let cost = Math.log(n + 1) - Math.log(1 - FULL_IMPACT_SHARE) + Math.log(1 - MIN_IMPACT);
  for (let i = 1; i <= small; i++) cost += Math.log((n - small + i) / i);
  return cost - logBinomialCdf(n + 1, MIN_IMPACT, struck);
}

/**
 * log P(Binomial(trials, p) ≤ k). Below the mode the terms fall geometrically from k down, so the sum stops
 * once they no longer count; above it, the lower tail is most of the mass and 1 minus the upper tail is
 * summed the same way. Each term follows from the one before by its ratio.
 */
export function logBinomialCdf(trials: number, p: number, k: number): number {
  if (k >= trials) return 0;
  if (k < 0) return Number.NEGATIVE_INFINITY;
  const logOdds = Math.log(p) - Math.log(1 - p);
  const below = k < Math.floor((trials + 1) * p);
  const start = below ? k : k + 1;
  const first = logChoose(trials, start) + start * Math.log(p) + (trials - start) * Math.log(1 - p);
  let term = 0;
  let sum = 1;
  if (below)
    for (let j = start; j > 0; j--) {
      term += Math.log(j / (trials - j + 1)) - logOdds;
      const ratio = Math.exp(term);
      sum += ratio;
      if (ratio < 1e-12 * sum) break;
    }
  else
    for (let j = start; j < trials; j++) {
      term += Math.log((trials - j) / (j + 1)) + logOdds;
      const ratio = Math.exp(term);
      sum += ratio;
      if (ratio < 1e-12 * sum) break;
    }
  const tail = first + Math.log(sum);
  return below ? tail : Math.log(Math.max(Number.MIN_VALUE, -Math.expm1(tail)));
}

function logChoose(n: number, k: number): number {
  const small = Math.min(k, n - k);
  let out = 0;
  for (let i = 1; i <= small; i++) out += Math.log((n - small + i) / i);
  return out;
}

/**
 * What `spared` edges priced `perEdge` in all (their sum) cost given that `struck` were struck: the lesser
 * of the per-edge price and the partial fault's likelihood.
 */
export function sparedEdgesCost(struck: number, spared: number, perEdge: number): number {
  if (struck === 0 || spared === 0) return perEdge;
  return Math.min(perEdge, partialImpactCost(struck, spared));
}
