/**
 * A publish function that never loses a batch to an unreachable bus: it publishes directly while the bus
 * takes batches; when a publish fails, that batch and every later one go to the spool (so order holds), and
 * a background loop replays the spool, oldest first, until it is empty; then direct publishing resumes.
 * Replayed observations the bus already had are dropped by its de-duplication (observation ids).
 */
import type { Observation } from "../model/observation.js";
import type { Spool } from "./spool.js";

export interface SpoolPublisherOptions {
  publish: (batch: Observation[]) => Promise<void>;
  spool: Spool;
  /** Between replay attempts while the bus is away (default 1 s). */
  retryMs?: number;
  /** "bus unreachable: spooling", "bus back: replayed N" (default: a process warning). */
  onNotice?: (message: string) => void;
}

export interface SpoolPublisher {
  (batch: Observation[]): Promise<void>;
  /** Whether batches are going to the spool now. */
  readonly spooling: boolean;
  /** Stops the replay loop (the spool keeps what it has, for the next start). */
  close(): Promise<void>;
}

export function spoolPublisher(options: SpoolPublisherOptions): SpoolPublisher {
  const { spool } = options;
  const retryMs = options.retryMs ?? 1000;
  const notice = options.onNotice ?? ((m: string) => process.emitWarning(m));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let replaying: Promise<void> | null = null;
  let closed = false;

  const replayLoop = (): void => {
    if (closed || timer || replaying) return;
    replaying = (async () => {
      try {
        const sent = await spool.replay(options.publish);
        if (sent > 0) notice(`bus back: replayed ${sent} spooled observations from ${spool.file}`);
      } catch {
        // Still away: try again after retryMs.
      }
    })().finally(() => {
      replaying = null;
      if (spool.empty || closed) return;
      timer = setTimeout(() => {
        timer = null;
        replayLoop();
      }, retryMs);
    });
  };

  const publish = async (batch: Observation[]): Promise<void> => {
    if (spool.empty && !replaying) {
      try {
        await options.publish(batch);
        return;
      } catch (error) {
        notice(`bus unreachable (${(error as Error).message}): spooling observations to ${spool.file}`);
      }
    }
    // Behind what is spooled already, in order; a full spool drops (and counts) the batch.
    await spool.append(batch);
    replayLoop();
  };

  if (!spool.empty) replayLoop(); // left from an earlier run
  return Object.defineProperties(publish, {
    spooling: { get: () => !spool.empty },
    close: {
      value: async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        await replaying;
      },
    },
  }) as SpoolPublisher;
}
