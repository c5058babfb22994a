/** IPv4 and IPv6 text to numbers, and CIDR prefixes, for the range trie (pure, no node: imports). */

/** An address as 32-bit words, most significant first: one word for IPv4, four for IPv6. */
export type AddressWords = Uint32Array;

export interface Cidr {
  family: 4 | 6;
  words: AddressWords;
  length: number;
}

/** IPv4 dotted quad to an unsigned 32-bit number, or -1 when the text is not one. */
export function parseIpv4(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** IPv6 text (with `::` and an optional embedded IPv4 tail) to four words, or undefined. */
export function parseIpv6(text: string): AddressWords | undefined {
  const zone = text.indexOf("%");
  const clean = zone >= 0 ? text.slice(0, zone) : text;
  const halves = clean.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (v4 < 0) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((all[2 * i]! << 16) | all[2 * i + 1]!) >>> 0;
  return words;
}

/** `a.b.c.d/n` or `x::/n` to a prefix; undefined when malformed (host bits set are cleared). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = text.slice(0, slash).trim();
  const lengthText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (address.includes(":")) {
    const words = parseIpv6(address);
    if (!words || length > 128) return undefined;
    return { family: 6, words: maskWords(words, length), length };
  }
  const v4 = parseIpv4(address);
  if (v4 < 0 || length > 32) return undefined;
  return { family: 4, words: maskWords(Uint32Array.of(v4), length), length };
}

function maskWords(words: AddressWords, length: number): AddressWords {
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const bits = Math.max(0, Math.min(32, length - 32 * i));
    const mask = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    out[i] = (words[i]! & mask) >>> 0;
  }
  return out;
}
