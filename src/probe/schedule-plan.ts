/**
 * When each check runs, decided without I/O. Every check has a phase within its interval; its k-th run is
 * due at t0 + phase + k·interval, computed from the start epoch and never from "now + interval", so lateness
 * never accumulates into drift. Phases come from a stable hash of the check's id: checks of one interval are
 * ordered by hash and each takes its own 1/n stratum of the interval, jittered inside it, so they are spread
 * evenly (no burst at start, no slow ramp: every check is first due within one interval of t0).
 */

/** What the plan needs of a check. */
export interface PlanItem {
  id: string;
  intervalMs: number;
}

/** A check's place in the plan. */
export interface Slot extends PlanItem {
  phaseMs: number;
}

/** A 32-bit hash of `text` (FNV-1a, then murmur3's finaliser so similar ids land far apart). */
function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable number in [0, 1) for `text`. */
function unitHash(text: string, seed = 0): number {
  return hash32(text, seed) / 2 ** 32;
}

/**
 * Phases for `items`. A check in `kept` with the same interval keeps its phase (a config reload does not
 * move it); the others are grouped by interval, ordered by hash, and the i-th of n takes phase
 * (i + jitter) / n · interval, jitter a second hash in [0, 1). So within each group any stretch of the
 * interval holding a fraction f of it holds f·n ± 1 of the group's checks.
 */
export function assignPhases(items: readonly PlanItem[], kept?: ReadonlyMap<string, Slot>): Slot[] {
  const slots: Slot[] = [];
  const fresh = new Map<number, PlanItem[]>();
  for (const item of items) {
    const old = kept?.get(item.id);
    if (old && old.intervalMs === item.intervalMs) {
      slots.push({ id: item.id, intervalMs: item.intervalMs, phaseMs: old.phaseMs });
      continue;
    }
    const group = fresh.get(item.intervalMs) ?? [];
    group.push(item);
    fresh.set(item.intervalMs, group);
  }
  for (const [intervalMs, group] of fresh) {
    const keyed = group.map((item) => ({ item, key: hash32(item.id) }));
    keyed.sort((a, b) => a.key - b.key || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0));
    const n = keyed.length;
    keyed.forEach(({ item }, i) => {
      const phaseMs = Math.min(((i + unitHash(item.id, 0x9e3779b9)) / n) * intervalMs, intervalMs - 1e-6);
      slots.push({ id: item.id, intervalMs, phaseMs });
    });
  }
  return slots;
}

/** The k-th due time of a slot (k from 0): t0 + phase + k·interval. */
export function dueAt(t0: number, slot: Slot, k: number): number {
  return t0 + slot.phaseMs + k * slot.intervalMs;
}

/** The smallest k whose due time is at or after `t` (0 if t is before the first). */
export function slotAtOrAfter(t0: number, slot: Slot, t: number): number {
  let k = Math.max(0, Math.ceil((t - t0 - slot.phaseMs) / slot.intervalMs));
  // Float rounding may put k one off either way.
  if (dueAt(t0, slot, k) < t) k++;
  else if (k > 0 && dueAt(t0, slot, k - 1) >= t) k--;
  return k;
}

/**
 * The slot to run after slot `done` when it is now `now`: the next one, or, when the process fell behind
 * by more than an interval (a stalled event loop), the first still ahead, with how many were skipped.
 */
export function nextSlot(t0: number, slot: Slot, done: number, now: number): { k: number; missed: number } {
  const k = Math.max(done + 1, slotAtOrAfter(t0, slot, now));
  return { k, missed: k - done - 1 };
}

/** What runs in [from, to): each slot's due times there, in time order. For tests and dry runs. */
export function dueBetween(
  t0: number,
  slots: readonly Slot[],
  from: number,
  to: number,
): { id: string; k: number; due: number }[] {
  const out: { id: string; k: number; due: number }[] = [];
  for (const slot of slots) {
    for (let k = slotAtOrAfter(t0, slot, from); ; k++) {
      const due = dueAt(t0, slot, k);
      if (due >= to) break;
      out.push({ id: slot.id, k, due });
    }
  }
  return out.sort((a, b) => a.due - b.due);
}
