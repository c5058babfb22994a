/**
 * The agent's link to a NATS bus (`epicenter agent --bus`): publishes through the spool (so nothing is lost
 * while the bus is away), learns its checks from the assignments bucket (and keeps the last ones in a file
 * next to the spool, so a restart during an outage keeps checking), and connects in the background: an
 * agent started while the bus is down starts checking at once with what it last knew.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Assignment, AssignmentWatch } from "../bus/bus.js";
import { NatsAssignments } from "../bus/nats/nats-assignments.js";
import { NatsBus } from "../bus/nats/nats-bus.js";
import { Spool } from "../bus/spool.js";
import { type SpoolPublisher, spoolPublisher } from "../bus/spool-publisher.js";
import type { Observation } from "../model/observation.js";

export interface AgentBusOptions {
  url: string;
  credentials?: string;
  vantage: string;
  /** The spool file; the last assignment is kept in `<spool>.assignment.json`. */
  spoolFile: string;
  /** Called with each assignment (the cached one first, if any). */
  onAssignment: (assignment: Assignment, source: "bus" | "cache") => void;
  /** Connection, spooling and replay news for the status output. */
  notice: (message: string) => void;
  /** Stream and assignments bucket names (tests; defaults as the hub's). */
  stream?: string;
  subjectPrefix?: string;
  bucket?: string;
}

export interface AgentBusLink {
  publish: SpoolPublisher;
  spool: Spool;
  /** The latest assignment (cached or from the bus), or null before any. */
  readonly assignment: Assignment | null;
  close(): Promise<void>;
}

const SETUP_RETRY_MS = 2000;

export async function startAgentBus(o: AgentBusOptions): Promise<AgentBusLink> {
  const spool = await Spool.open({ file: o.spoolFile, onWarning: o.notice });
  const cacheFile = `${o.spoolFile}.assignment.json`;
  let assignment: Assignment | null = readCache(cacheFile);
  if (assignment) o.onAssignment(assignment, "cache");

  let bus: NatsBus | null = null;
  let watch: AssignmentWatch | null = null;
  let closed = false;
  const direct = async (batch: Observation[]): Promise<void> => {
    if (!bus) throw new Error(`not connected to ${o.url} yet`);
    await bus.publish(batch);
  };
  const publish = spoolPublisher({ publish: direct, spool, onNotice: o.notice });

  const connecting = (async () => {
    while (!closed) {
      try {
        bus ??= await NatsBus.open({
          url: o.url,
          ...(o.credentials ? { credentials: o.credentials } : {}),
          name: `epicenter agent ${o.vantage}`,
          manage: false,
          waitOnFirstConnect: true,
          ...(o.stream ? { stream: o.stream } : {}),
          ...(o.subjectPrefix ? { subjectPrefix: o.subjectPrefix } : {}),
        });
        if (closed) break;
        const assignments = await NatsAssignments.open(bus.connection, {
          manage: false,
          ...(o.bucket ? { bucket: o.bucket } : {}),
          onError: (e) => o.notice(e.message),
        });
        if (closed) break;
        o.notice(`connected to ${o.url}; watching the assignment of ${o.vantage}`);
        watch = assignments.watch(o.vantage, (next) => {
          assignment = next ?? { checks: [] };
          writeCache(cacheFile, assignment, o.notice);
          o.onAssignment(assignment, "bus");
        });
        return;
      } catch (error) {
        if (closed) break;
        o.notice(`bus ${o.url}: ${(error as Error).message}; retrying in ${SETUP_RETRY_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, SETUP_RETRY_MS));
      }
    }
    await bus?.close(); // closed while connecting
  })();

  return {
    publish,
    spool,
    get assignment() {
      return assignment;
    },
    async close() {
      closed = true;
      await publish.close();
      await spool.close();
      await (watch as AssignmentWatch | null)?.stop();
      await (bus as NatsBus | null)?.close();
      void connecting; // may still wait for a first connection; it closes what it opens
    },
  };
}

function readCache(file: string): Assignment | null {
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as Assignment;
    return Array.isArray(value?.checks) ? value : null;
  } catch {
    return null;
  }
}

function writeCache(file: string, assignment: Assignment, notice: (m: string) => void): void {
  try {
    writeFileSync(file, JSON.stringify(assignment), { mode: 0o600 });
  } catch (error) {
    notice(`cannot keep the assignment in ${file}: ${(error as Error).message}`);
  }
}
