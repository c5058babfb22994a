/**
 * The target guard: which addresses a probe may connect to. Pure (no I/O): the adapter resolves a name,
 * asks `guardAddress` about every address, and connects to exactly the address it was told is allowed, so
 * neither DNS rebinding nor a redirect can smuggle a request to a cloud metadata service.
 *
 * Secure by default: link-local, cloud metadata, unspecified, multicast and broadcast addresses are always
 * refused; loopback and private ranges are allowed unless `deny` names them. An `allow` CIDR reopens a
 * refused range only when it is at least as specific as the range refusing it: `allow: [10.1.0.0/16]`
 * reopens part of `private`, `allow: [169.254.169.254/32]` reopens one metadata address, but
 * `allow: [0.0.0.0/0]` reopens nothing.
 */

/** Ranges an operator may close with `probes: { deny: [...] }`. */
export const DENIABLE_RANGES = ["private", "loopback"] as const;
export type DeniableRange = (typeof DENIABLE_RANGES)[number];

/** Where probes may connect, and which extra certificate authorities they trust. */
export interface ProbePolicy {
  deny: DeniableRange[];
  /** CIDRs that reopen refused ranges (as specific or more than the refusing range). */
  allow: string[];
  /** Extra trusted CA certificates, PEM text, added to Node's root store. */
  ca: string[];
}

export const DEFAULT_PROBE_POLICY: ProbePolicy = Object.freeze({
  deny: [],
  allow: [],
  ca: [],
}) as ProbePolicy;

export type GuardDecision = { allowed: true } | { allowed: false; range: string; reason: string };

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
type Bytes = number[];

interface Cidr {
  text: string;
  bytes: Bytes;
  prefix: number;
}

interface Rule {
  cidr: Cidr;
  reason: string;
}

const ALWAYS_DENIED: Rule[] = [
  ["169.254.0.0/16", "link-local (cloud metadata services live here)"],
  ["fe80::/10", "IPv6 link-local"],
  ["fd00:ec2::254/128", "AWS IPv6 instance metadata"],
  ["100.100.100.200/32", "Alibaba Cloud metadata"],
  ["192.0.0.192/32", "Oracle Cloud metadata"],
  ["0.0.0.0/8", "unspecified ('this network'; 0.0.0.0 reaches the local host)"],
  ["::/128", "IPv6 unspecified"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["ff00::/8", "IPv6 multicast"],
].map(rule);

const DENIABLE: Record<DeniableRange, Rule[]> = {
  loopback: [
    ["127.0.0.0/8", "loopback"],
    ["::1/128", "IPv6 loopback"],
  ].map(rule),
  private: [
    ["10.0.0.0/8", "private (RFC 1918)"],
    ["172.16.0.0/12", "private (RFC 1918)"],
    ["192.168.0.0/16", "private (RFC 1918)"],
    ["100.64.0.0/10", "shared address space (carrier-grade NAT)"],
    ["fc00::/7", "IPv6 unique local"],
  ].map(rule),
};

function rule([text, reason]: string[]): Rule {
  const cidr = parseCidr(text!);
  if (!cidr) throw new Error(`bad built-in CIDR ${text}`);
  return { cidr, reason: reason! };
}

/** Whether a probe may connect to `address` (an IP literal) under `policy`. Anything unparsable is refused. */
export function guardAddress(address: string, policy: ProbePolicy = DEFAULT_PROBE_POLICY): GuardDecision {
  const parsed = parseIp(address);
  if (!parsed) return { allowed: false, range: "", reason: `not an IP address: ${address}` };
  const bytes = embeddedIpv4(parsed) ?? parsed;
  const rules = [...ALWAYS_DENIED, ...policy.deny.flatMap((r) => DENIABLE[r] ?? [])];
  const hit = rules.find((r) => contains(r.cidr, bytes));
  if (!hit) return { allowed: true };
  const reopened = policy.allow.some((text) => {
    const allow = parseCidr(text);
    return allow !== undefined && allow.prefix >= hit.cidr.prefix && contains(allow, bytes);
  });
  if (reopened) return { allowed: true };
  return { allowed: false, range: hit.cidr.text, reason: `${address} is ${hit.reason} (${hit.cidr.text})` };
}

/** `10.0.0.0/8`, `fd00::/8` or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits, extra] = text.trim().split("/");
  if (addr === undefined || extra !== undefined) return undefined;
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  return { text: text.trim(), bytes, prefix };
}

/** True when `text` is an IPv4 or IPv6 literal. */
export function isIpLiteral(text: string): boolean {
  return parseIp(text) !== undefined;
}

function contains(cidr: Cidr, bytes: Bytes): boolean {
  if (cidr.bytes.length !== bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((cidr.bytes[i]! & mask) !== (bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * The IPv4 address inside an IPv6 one that forwards to it: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d) and NAT64 (64:ff9b::/96). Judged as the IPv4 address, so ::ffff:169.254.169.254 is refused.
 */
function embeddedIpv4(bytes: Bytes): Bytes | undefined {
  if (bytes.length !== 16) return undefined;
  const head = bytes.slice(0, 12);
  const zero = (from: number, to: number) => head.slice(from, to).every((b) => b === 0);
  const tail = bytes.slice(12);
  if (zero(0, 10) && head[10] === 0xff && head[11] === 0xff) return tail;
  if (zero(0, 12) && !tail.slice(0, 3).every((b) => b === 0)) return tail;
  const nat64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
  if (head.every((b, i) => b === nat64[i])) return tail;
  return undefined;
}

/** Parses an IPv4 dotted quad or an IPv6 literal (brackets and a %zone allowed) into bytes. */
export function parseIp(text: string): Bytes | undefined {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.includes(":")) return parseIpv6(s.replace(/%.*$/, ""));
  return parseIpv4(s);
}

function parseIpv4(s: string): Bytes | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

function parseIpv6(s: string): Bytes | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined): number[] | undefined => {
    if (!part) return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIpv4(item);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(item)) {
        out.push(Number.parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}
