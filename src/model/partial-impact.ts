/** Which dependency edges a partial-impact fault strikes: the exact hash of scenario.md, "Partial impact". */

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let h = 2166136261;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer. */
export function mix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether fault `faultIndex` with impact `p` strikes the edge (dependent, item, member). */
export function isStruck(
  seed: number,
  faultIndex: number,
  dependentId: string,
  itemIndex: number,
  memberIndex: number,
  p: number,
): boolean {
  if (p >= 1) return true;
  const key = `${seed}/${faultIndex}/${dependentId}/${itemIndex}/${memberIndex}`;
  return mix32(fnv1a32(key)) / 4294967296 < p;
}
