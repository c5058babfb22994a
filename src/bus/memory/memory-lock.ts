/**
 * Leader locks within one process (the embedded hub, tests): the same TTL semantics as the NATS lock, with
 * holders sharing one `MemoryLocks` table instead of a server.
 */
import type { LeaderLock } from "../bus.js";

/** The shared table: one per process that wants several contenders (pass the same instance to each). */
export class MemoryLocks {
  readonly held = new Map<string, { holder: symbol; until: number }>();
}

export function memoryLeaderLock(
  locks: MemoryLocks,
  name: string,
  ttlMs: number,
  now: () => number = Date.now,
): LeaderLock {
  const me = Symbol(name);
  const mine = () => {
    const h = locks.held.get(name);
    return h !== undefined && h.holder === me && h.until > now();
  };
  return {
    ttlMs,
    async tryAcquire() {
      const h = locks.held.get(name);
      if (h && h.holder !== me && h.until > now()) return false;
      locks.held.set(name, { holder: me, until: now() + ttlMs });
      return true;
    },
    async renew() {
      if (!mine()) return false;
      locks.held.set(name, { holder: me, until: now() + ttlMs });
      return true;
    },
    async release() {
      if (locks.held.get(name)?.holder === me) locks.held.delete(name);
    },
  };
}
