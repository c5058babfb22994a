/**
 * What the demo's name server knows: zones (one per DNS provider), each a map of names to A, AAAA and
 * CNAME records, and how each zone answers now: normally, SERVFAIL, or not at all (a provider that drops
 * queries, so resolvers time out). Turns a query's bytes into the reply's bytes, or silence. Pure.
 */

import { parseIp } from "../probe/target-guard.js";
import {
  CLASS_IN,
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  formatError,
  RCODE,
  reply,
  TYPE,
} from "./dns-packet.js";

export type ZoneMode = "answer" | "servfail" | "drop";

export interface NameEntry {
  A?: string[];
  AAAA?: string[];
  /** An alias: the name's other records are those of this name (which may live in another zone). */
  CNAME?: string;
}

interface Zone {
  mode: ZoneMode;
  names: Map<string, NameEntry>;
}

const TTL = 5;
/** CNAMEs followed at most per answer: a loop of aliases must end. */
const MAX_CHAIN = 8;

const norm = (name: string) => name.toLowerCase().replace(/\.$/, "");

export class DnsZones {
  readonly #zones = new Map<string, Zone>();
  /** Which zone holds each name. */
  readonly #owner = new Map<string, string>();

  /** Sets a name's records in `zone` (made on first use); throws RangeError on an address that is none. */
  set(zone: string, name: string, entry: NameEntry): void {
    for (const a of entry.A ?? [])
      if (parseIp(a)?.length !== 4) throw new RangeError(`A record of ${name}: ${a} is not an IPv4 address`);
    for (const a of entry.AAAA ?? [])
      if (parseIp(a)?.length !== 16)
        throw new RangeError(`AAAA record of ${name}: ${a} is not an IPv6 address`);
    const key = norm(name);
    const previous = this.#owner.get(key);
    if (previous !== undefined && previous !== zone) this.#zones.get(previous)?.names.delete(key);
    this.#zoneOf(zone).names.set(key, entry);
    this.#owner.set(key, zone);
  }

  /** Removes a name (it answers NXDOMAIN from now on); false when there was none. */
  remove(name: string): boolean {
    const key = norm(name);
    const zone = this.#owner.get(key);
    if (zone === undefined) return false;
    this.#owner.delete(key);
    return this.#zones.get(zone)!.names.delete(key);
  }

  /** How `zone` answers from now on. */
  setMode(zone: string, mode: ZoneMode): void {
    this.#zoneOf(zone).mode = mode;
  }

  mode(zone: string): ZoneMode {
    return this.#zones.get(zone)?.mode ?? "answer";
  }

  /**
   * The reply to a query's bytes, or undefined for none: unreadable headers and responses are ignored, an
   * unreadable body is FORMERR, another opcode NOTIMP, a name no zone holds NXDOMAIN (the server is
   * authoritative for everything it is asked), a dropping zone says nothing.
   */
  answer(bytes: Uint8Array): Uint8Array | undefined {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) return decoded.id === undefined ? undefined : encodeMessage(formatError(decoded.id));
    const query = decoded.message;
    if (query.response) return undefined;
    if (query.opcode !== 0) return encodeMessage(reply(query, RCODE.NOTIMP));
    const [question] = query.questions;
    if (question === undefined || query.questions.length !== 1)
      return encodeMessage(reply(query, RCODE.FORMERR));
    if (question.class !== CLASS_IN) return encodeMessage(reply(query, RCODE.REFUSED));
    const out = this.#resolve(query, question.name, question.type);
    if (out === undefined) return undefined;
    try {
      return encodeMessage(out);
    } catch {
      return encodeMessage(reply(query, RCODE.SERVFAIL));
    }
  }

  #resolve(query: DnsMessage, asked: string, type: number): DnsMessage | undefined {
    const answers: DnsRecord[] = [];
    let name = norm(asked);
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      const zoneName = this.#owner.get(name);
      const zone = zoneName === undefined ? undefined : this.#zones.get(zoneName);
      const entry = zone?.names.get(name);
      if (zone === undefined || entry === undefined)
        return hop === 0 ? reply(query, RCODE.NXDOMAIN) : { ...reply(query, RCODE.NOERROR), answers };
      if (zone.mode === "drop") return undefined;
      if (zone.mode === "servfail") return reply(query, RCODE.SERVFAIL);
      const owner = hop === 0 ? asked : name;
      const record = (t: number, data: string): DnsRecord => ({
        name: owner,
        type: t,
        class: CLASS_IN,
        ttl: TTL,
        data,
      });
      if (entry.CNAME !== undefined) {
        answers.push(record(TYPE.CNAME, entry.CNAME));
        if (type === TYPE.CNAME) break;
        name = norm(entry.CNAME);
        continue;
      }
      if (type === TYPE.A) for (const a of entry.A ?? []) answers.push(record(TYPE.A, a));
      if (type === TYPE.AAAA) for (const a of entry.AAAA ?? []) answers.push(record(TYPE.AAAA, a));
      break;
    }
    return { ...reply(query, RCODE.NOERROR), answers };
  }

  #zoneOf(zone: string): Zone {
    let z = this.#zones.get(zone);
    if (z === undefined) {
      z = { mode: "answer", names: new Map() };
      this.#zones.set(zone, z);
    }
    return z;
  }
}
