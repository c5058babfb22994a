/**
 * DNS messages (RFC 1035) as data and bytes, for the demo's authoritative name server: enough of the wire
 * format for A, AAAA and CNAME answers (other record types are carried as hex). Pure: decoding never throws,
 * whatever the bytes; it says why a message is unreadable, and the id when the header was readable, so the
 * server can answer FORMERR or stay silent.
 */
import { parseIp } from "../probe/target-guard.js";

export const TYPE = { A: 1, CNAME: 5, AAAA: 28 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface DnsQuestion {
  /** Dotted, without the trailing dot; "" is the root. */
  name: string;
  type: number;
  class: number;
}

/** A resource record; `data` is an IPv4 or IPv6 address (A, AAAA), a name (CNAME) or hex (anything else). */
export interface DnsRecord extends DnsQuestion {
  ttl: number;
  data: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

export type Decoded = { ok: true; message: DnsMessage } | { ok: false; reason: string; id?: number };

const MAX_NAME = 255;
const MAX_LABEL = 63;
/** Compression pointers followed per name at most: a loop of pointers must end. */
const MAX_POINTERS = 64;

class Malformed extends Error {}

/** Reads a message; never throws. */
export function decodeMessage(bytes: Uint8Array): Decoded {
  if (bytes.length < 12) return { ok: false, reason: `${bytes.length} bytes: shorter than a DNS header` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  const counts = [4, 6, 8, 10].map((at) => view.getUint16(at)) as [number, number, number, number];
  try {
    let at = 12;
    const readName = (): string => {
      const [name, next] = decodeName(bytes, at);
      at = next;
      return name;
    };
    const u16 = () => {
      if (at + 2 > bytes.length) throw new Malformed("cut short");
      const v = view.getUint16(at);
      at += 2;
      return v;
    };
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < counts[0]; i++) questions.push({ name: readName(), type: u16(), class: u16() });
    const records = (n: number): DnsRecord[] => {
      const out: DnsRecord[] = [];
      for (let i = 0; i < n; i++) {
        const name = readName();
        const type = u16();
        const cls = u16();
        const ttl = u16() * 65_536 + u16();
        const length = u16();
        if (at + length > bytes.length) throw new Malformed("record data cut short");
        out.push({ name, type, class: cls, ttl, data: decodeData(bytes, at, length, type) });
        at += length;
      }
      return out;
    };
    const answers = records(counts[1]);
    const authority = records(counts[2]);
    const additional = records(counts[3]);
    return {
      ok: true,
      message: {
        id,
        response: (flags & 0x8000) !== 0,
        opcode: (flags >> 11) & 0xf,
        authoritative: (flags & 0x0400) !== 0,
        truncated: (flags & 0x0200) !== 0,
        recursionDesired: (flags & 0x0100) !== 0,
        recursionAvailable: (flags & 0x0080) !== 0,
        rcode: flags & 0xf,
        questions,
        answers,
        authority,
        additional,
      },
    };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message, id };
    throw error;
  }
}

/** A name at `at` (following compression pointers, only backwards), and where the bytes after it start. */
function decodeName(bytes: Uint8Array, start: number): [string, number] {
  const labels: string[] = [];
  let at = start;
  let end: number | undefined;
  let length = 0;
  for (let jumps = 0; ; ) {
    if (at >= bytes.length) throw new Malformed("name cut short");
    const len = bytes[at]!;
    if (len === 0) {
      end ??= at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= bytes.length) throw new Malformed("pointer cut short");
      const target = ((len & 0x3f) << 8) | bytes[at + 1]!;
      if (target >= at || ++jumps > MAX_POINTERS) throw new Malformed("compression pointer loops");
      end ??= at + 2;
      at = target;
      continue;
    }
    if (len > MAX_LABEL) throw new Malformed(`label type ${len >> 6} not supported`);
    if (at + 1 + len > bytes.length) throw new Malformed("label cut short");
    length += len + 1;
    if (length > MAX_NAME) throw new Malformed("name longer than 255 bytes");
    const label = bytes.subarray(at + 1, at + 1 + len);
    // Bytes outside printable ASCII, and the dot itself, are escaped so a name stays one unambiguous string.
    labels.push(
      Array.from(label, (b) =>
        b > 0x20 && b < 0x7f && b !== 0x2e && b !== 0x5c ? String.fromCharCode(b) : `\\${pad3(b)}`,
      ).join(""),
    );
    at += 1 + len;
  }
  return [labels.join("."), end];
}

function pad3(n: number): string {
  return n.toString().padStart(3, "0");
}

function decodeData(bytes: Uint8Array, at: number, length: number, type: number): string {
  const data = bytes.subarray(at, at + length);
  if (type === TYPE.A && length === 4) return Array.from(data).join(".");
  if (type === TYPE.AAAA && length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((data[i]! << 8) | data[i + 1]!).toString(16));
    return groups.join(":");
  }
  if (type === TYPE.CNAME) {
    const [name, next] = decodeName(bytes, at);
    if (next > at + length) throw new Malformed("CNAME runs past its record");
    return name;
  }
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bytes of `message` (names uncompressed). Throws RangeError on data that cannot be encoded. */
export function encodeMessage(message: DnsMessage): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push((v >> 8) & 0xff, v & 0xff);
  u16(message.id);
  u16(
    (message.response ? 0x8000 : 0) |
      ((message.opcode & 0xf) << 11) |
      (message.authoritative ? 0x0400 : 0) |
      (message.truncated ? 0x0200 : 0) |
      (message.recursionDesired ? 0x0100 : 0) |
      (message.recursionAvailable ? 0x0080 : 0) |
      (message.rcode & 0xf),
  );
  for (const n of [message.questions, message.answers, message.authority, message.additional]) u16(n.length);
  for (const q of message.questions) {
    parts.push(...encodeName(q.name));
    u16(q.type);
    u16(q.class);
  }
  for (const r of [...message.answers, ...message.authority, ...message.additional]) {
    parts.push(...encodeName(r.name));
    u16(r.type);
    u16(r.class);
    u16(Math.floor(r.ttl / 65_536) & 0xffff);
    u16(r.ttl & 0xffff);
    const data = encodeData(r);
    u16(data.length);
    parts.push(...data);
  }
  return Uint8Array.from(parts);
}

function encodeName(name: string): number[] {
  if (name === "") return [0];
  const out: number[] = [];
  for (const label of name.split(".")) {
    const bytes: number[] = [];
    for (let i = 0; i < label.length; i++) {
      if (label[i] === "\\" && /^\d{3}$/.test(label.slice(i + 1, i + 4))) {
        bytes.push(Number(label.slice(i + 1, i + 4)));
        i += 3;
      } else bytes.push(label.charCodeAt(i) & 0xff);
    }
    if (bytes.length === 0 || bytes.length > MAX_LABEL)
      throw new RangeError(`label "${label}" of ${name} must be 1 to 63 bytes`);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  if (out.length > MAX_NAME) throw new RangeError(`name ${name} is longer than 255 bytes`);
  return out;
}

function encodeData(r: DnsRecord): number[] {
  if (r.type === TYPE.A || r.type === TYPE.AAAA) {
    const bytes = parseIp(r.data);
    if (!bytes || bytes.length !== (r.type === TYPE.A ? 4 : 16))
      throw new RangeError(`${r.data} is not an ${r.type === TYPE.A ? "IPv4" : "IPv6"} address`);
    return bytes;
  }
  if (r.type === TYPE.CNAME) return encodeName(r.data);
  if (!/^([0-9a-f]{2})*$/.test(r.data)) throw new RangeError(`record data of type ${r.type} must be hex`);
  return (r.data.match(/../g) ?? []).map((h) => Number.parseInt(h, 16));
}

/** The answer to a message that could not be read but had a header: FORMERR, same id, nothing else. */
export function formatError(id: number): DnsMessage {
  return reply({ id, opcode: 0, recursionDesired: false, questions: [] }, RCODE.FORMERR);
}

/** A response to `query` with `rcode`, its questions echoed, no records yet. */
export function reply(
  query: Pick<DnsMessage, "id" | "opcode" | "recursionDesired" | "questions">,
  rcode: number,
): DnsMessage {
  return {
    id: query.id,
    response: true,
    opcode: query.opcode,
    authoritative: rcode !== RCODE.FORMERR && rcode !== RCODE.NOTIMP,
    truncated: false,
    recursionDesired: query.recursionDesired,
    recursionAvailable: false,
    rcode,
    questions: query.questions,
    answers: [],
    authority: [],
    additional: [],
  };
}
