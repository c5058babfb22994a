/**
 * Exponential backoff, the one rule for waiting between retries (the notifier's deliveries, the agent's
 * publishes): the first wait, doubled after each further failure, never above the longest, optionally shortened
 * by a random fraction (jitter) so that many clients failing together do not retry together. Pure: the random
 * source is passed in.
 */

export interface BackoffPolicy {
  /** Wait after the first failure, ms. */
  firstMs: number;
  /** Longest wait, ms. */
  maxMs: number;
  /** Up to this fraction (0 to 1) of each wait is taken off at random; 0 or absent: no jitter. */
  jitter?: number;
}

/** Beyond this many doublings every wait is already the longest (2^52 ms is 140,000 years). */
const MAX_DOUBLINGS = 52;

/** How long to wait after `failures` failures in a row (1 for the first), ms. */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(MAX_DOUBLINGS, Math.max(0, failures - 1));
  const wait = Math.min(policy.maxMs, policy.firstMs * 2 ** doublings);
  const jitter = policy.jitter ?? 0;
  return jitter > 0 ? wait * (1 - jitter * random()) : wait;
}
