/**
 * The one place that chooses the bus: NATS JetStream when a URL is given (or EPICENTER_BUS_URL is set),
 * else in memory (the embedded default). It comes with the assignments view and leader locks of the same
 * backend, so a hub replica and its agents agree on one source of truth.
 */
import type { AssignmentStore, Bus, LeaderLock } from "./bus.js";
import { MemoryAssignments } from "./memory/memory-assignments.js";
import { MemoryBus } from "./memory/memory-bus.js";
import { MemoryLocks, memoryLeaderLock } from "./memory/memory-lock.js";
import { NatsAssignments, type NatsAssignmentsOptions } from "./nats/nats-assignments.js";
import { NatsBus, type NatsBusOptions } from "./nats/nats-bus.js";
import { natsLeaderLock } from "./nats/nats-lock.js";

export interface OpenBusOptions {
  /** `nats://host:4222`; default `env.EPICENTER_BUS_URL`; neither: the in-memory bus. */
  url?: string;
  /** Default EPICENTER_BUS_CREDENTIALS (a .creds file or a `user:password` file). */
  credentials?: string;
  /** The environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  /** NATS tuning: stream, subjects, limits, consumers, `manage` (see NatsBusOptions). */
  nats?: Omit<NatsBusOptions, "url" | "credentials">;
  /** The assignments bucket (default epicenter-assignments). */
  assignmentsBucket?: NatsAssignmentsOptions["bucket"];
}

export interface OpenedBus {
  readonly kind: "memory" | "nats";
  readonly bus: Bus;
  readonly assignments: AssignmentStore;
  /** A lock named `name` (e.g. "localizer"); every holder of one name must use the same ttlMs. */
  leaderLock(name: string, ttlMs: number): Promise<LeaderLock>;
  /** Closes the bus (pending handlers finish first) and the connection. */
  close(): Promise<void>;
}

export async function openBus(options: OpenBusOptions = {}): Promise<OpenedBus> {
  const env = options.env ?? process.env;
  const url = options.url ?? (env.EPICENTER_BUS_URL || undefined);
  if (!url) {
    const bus = new MemoryBus();
    const locks = new MemoryLocks();
    return {
      kind: "memory",
      bus,
      assignments: new MemoryAssignments(),
      leaderLock: async (name, ttlMs) => memoryLeaderLock(locks, name, ttlMs),
      close: () => bus.close(),
    };
  }
  const credentials = options.credentials ?? (env.EPICENTER_BUS_CREDENTIALS || undefined);
  const bus = await NatsBus.open({
    ...options.nats,
    url,
    ...(credentials ? { credentials } : {}),
  });
  try {
    const assignments = await NatsAssignments.open(bus.connection, {
      ...(options.assignmentsBucket ? { bucket: options.assignmentsBucket } : {}),
      ...(options.nats?.manage === false ? { manage: false } : {}),
      ...(options.nats?.onError ? { onError: options.nats.onError } : {}),
    });
    return {
      kind: "nats",
      bus,
      assignments,
      leaderLock: (name, ttlMs) => natsLeaderLock(bus.connection, name, ttlMs),
      close: () => bus.close(),
    };
  } catch (error) {
    await bus.close();
    throw error;
  }
}
