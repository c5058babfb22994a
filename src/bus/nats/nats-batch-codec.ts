/**
 * The NATS bus's wire format: one JetStream message per published batch, a JSON array of observations of one
 * vantage (its subject names it), at most `maxObservations` of them and under `maxBytes` (NATS refuses a
 * message over the server's max_payload, 1 MB by default). A message per observation cost a publish, an ack,
 * and a delivery plus an ack per consumer group each; a message per batch divides all of that by the batch.
 *
 * Nats-Msg-Id is a hash of the message's observation ids, so a publish retried with the same observations is
 * dropped by JetStream's duplicate window. A batch cut differently (the agent's batcher after a failure, the
 * spool's replay) gets another id and may put observations in the stream twice: the store is idempotent on
 * (vantage, check, component, at), so they are stored once.
 */
import { createHash } from "node:crypto";
import type { Observation } from "../../model/observation.js";
import { vantageToken } from "./nats-connect.js";

export interface WireMessage {
  subject: string;
  data: Uint8Array;
  msgId: string;
  /** Observations in it. */
  count: number;
}

export interface WireLimits {
  maxObservations: number;
  maxBytes: number;
}

const encoder = new TextEncoder();

/** Splits a batch per vantage (keeping each vantage's order) and into messages within the limits. */
export function encodeBatch(
  batch: readonly Observation[],
  prefix: string,
  limits: WireLimits,
): WireMessage[] {
  const byVantage = new Map<string, Observation[]>();
  for (const o of batch) {
    const list = byVantage.get(o.vantage);
    if (list) list.push(o);
    else byVantage.set(o.vantage, [o]);
  }
  const out: WireMessage[] = [];
  for (const [vantage, list] of byVantage) {
    const subject = `${prefix}.${vantageToken(vantage)}`;
    for (let i = 0; i < list.length; i += limits.maxObservations)
      pushWithin(out, subject, list.slice(i, i + limits.maxObservations), limits.maxBytes);
  }
  return out;
}

/** Encodes `part`, halving it until each piece is under `maxBytes`; one observation too big is an error. */
function pushWithin(out: WireMessage[], subject: string, part: Observation[], maxBytes: number): void {
  const data = encoder.encode(JSON.stringify(part));
  if (data.length <= maxBytes) {
    out.push({ subject, data, msgId: batchId(part), count: part.length });
    return;
  }
  if (part.length === 1)
    throw new RangeError(
      `observation ${part[0]!.id} is ${data.length} bytes encoded, over the bus's message limit of ${maxBytes}`,
    );
  const half = Math.ceil(part.length / 2);
  pushWithin(out, subject, part.slice(0, half), maxBytes);
  pushWithin(out, subject, part.slice(half), maxBytes);
}

/** A stable id for these observations, in this order (sha256 of their ids, base64url). */
function batchId(part: readonly Observation[]): string {
  const h = createHash("sha256");
  for (const o of part) h.update(o.id).update("\n");
  return h.digest("base64url");
}

/**
 * The observations of a message, or why it is not a batch of its subject's vantage (an agent may publish only
 * its own). A message holding one observation object (the format before batches) is read as a batch of one.
 */
export function decodeMessage(
  data: string,
  subject: string,
  prefix: string,
): { observations: Observation[] } | { invalid: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { invalid: "not JSON" };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0) return { invalid: "an empty batch" };
  const token = subject.slice(prefix.length + 1);
  let checked: string | null = null; // a vantage already found to match: the rest of a batch is the same
  for (const o of list as Partial<Observation>[]) {
    if (typeof o !== "object" || o === null || typeof o.id !== "string" || typeof o.vantage !== "string")
      return { invalid: "not an observation" };
    if (o.vantage === checked) continue;
    if (vantageToken(o.vantage) !== token)
      return { invalid: `vantage "${o.vantage}" published on another vantage's subject` };
    checked = o.vantage;
  }
  return { observations: list as Observation[] };
}
