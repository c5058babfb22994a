/** Ids of components and vantages: one or more `/`-separated segments of `[a-z0-9._-]+`. */

const ID_PATTERN = /^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export const ID_RULE = "one or more '/'-separated segments of [a-z0-9._-]+, e.g. aws/us-east-1/ec2";

/** Levenshtein distance, for "did you mean" hints on unknown ids. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest known id to `id`, if one is close enough to be a plausible typo. */
export function closestId(id: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - id.length) >= bestDistance) continue;
    const d = editDistance(id, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}
