/**
 * A leader lock in a JetStream key-value bucket whose entries expire after the TTL (`epicenter-lock-<name>`,
 * max age = ttlMs): acquire is create-if-absent, renew is a compare-and-set on our last revision (so a
 * holder that lost the lock learns it), release deletes only our own revision.
 * Renew every ttlMs/3 or so; a holder that cannot renew within ttlMs must stop acting as leader.
 */
import { randomUUID } from "node:crypto";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { LeaderLock } from "../bus.js";

export async function natsLeaderLock(nc: NatsConnection, name: string, ttlMs: number): Promise<LeaderLock> {
  const kv: KV = await new Kvm(nc).create(`epicenter-lock-${name}`, { history: 1, ttl: ttlMs });
  const key = "leader";
  const me = randomUUID();
  let revision = 0;
  const renew = async (): Promise<boolean> => {
    if (revision === 0) return false;
    try {
      revision = await kv.update(key, me, revision);
      return true;
    } catch {
      revision = 0;
      return false;
    }
  };
  return {
    ttlMs,
    renew,
    async tryAcquire() {
      if (revision > 0 && (await renew())) return true;
      try {
        revision = await kv.create(key, me);
        return true;
      } catch {
        revision = 0;
        return false;
      }
    },
    async release() {
      if (revision === 0) return;
      const held = revision;
      revision = 0;
      await kv.delete(key, { previousSeq: held }).catch(() => {});
    },
  };
}
