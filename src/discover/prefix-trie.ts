/**
 * Longest-prefix match over IPv4 and IPv6 prefixes: a binary trie held in typed arrays (no objects per
 * node), so millions of lookups a second walk flat memory. Values are small non-negative integers
 * (indices into a caller's table); a longer prefix wins, and at equal prefixes the first inserted wins.
 */
import { type AddressWords, type Cidr, parseIpv4, parseIpv6 } from "./ip-address.js";

class BitTrie {
  #left = new Int32Array(1024);
  #right = new Int32Array(1024);
  /** value + 1 at a node; 0 for none. */
  #value = new Int32Array(1024);
  #size = 1;
  #maxLength = 0;

  insert(words: AddressWords, length: number, value: number): void {
    let node = 0;
    for (let bit = 0; bit < length; bit++) {
      const word = words[bit >>> 5]!;
      const one = (word >>> (31 - (bit & 31))) & 1;
      const side = one ? this.#right : this.#left;
      let next = side[node]!;
      if (next === 0) {
        next = this.#grow();
        (one ? this.#right : this.#left)[node] = next;
      }
      node = next;
    }
    if (this.#value[node] === 0) this.#value[node] = value + 1;
    if (length > this.#maxLength) this.#maxLength = length;
  }

  /** The value of the longest prefix holding a 32-bit IPv4 address, or -1. */
  lookup32(address: number): number {
    const left = this.#left;
    const right = this.#right;
    const values = this.#value;
    let node = 0;
    let found = values[0]!;
    const max = this.#maxLength;
    for (let bit = 0; bit < max; bit++) {
      node = ((address >>> (31 - bit)) & 1) === 1 ? right[node]! : left[node]!;
      if (node === 0) break;
      const v = values[node]!;
      if (v !== 0) found = v;
    }
    return found - 1;
  }

  lookupWords(words: AddressWords): number {
    let node = 0;
    let found = this.#value[0]!;
    for (let bit = 0; bit < this.#maxLength; bit++) {
      const one = (words[bit >>> 5]! >>> (31 - (bit & 31))) & 1;
      node = one === 1 ? this.#right[node]! : this.#left[node]!;
      if (node === 0) break;
      const v = this.#value[node]!;
      if (v !== 0) found = v;
    }
    return found - 1;
  }

  get nodes(): number {
    return this.#size;
  }

  #grow(): number {
    if (this.#size === this.#left.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#left = grow(this.#left);
      this.#right = grow(this.#right);
      this.#value = grow(this.#value);
    }
    return this.#size++;
  }
}

export class PrefixTrie {
  #v4 = new BitTrie();
  #v6 = new BitTrie();
  #count = 0;

  insert(prefix: Cidr, value: number): void {
    if (prefix.family === 4) this.#v4.insert(prefix.words, prefix.length, value);
    else this.#v6.insert(prefix.words, prefix.length, value);
    this.#count++;
  }

  /** Value of the longest prefix holding an IPv4 address given as an unsigned 32-bit number, or -1. */
  lookupV4(address: number): number {
    return this.#v4.lookup32(address);
  }

  /** Value of the longest prefix holding an address in text form (IPv4 or IPv6), or -1 (also when malformed). */
  lookup(address: string): number {
    if (address.includes(":")) {
      const words = parseIpv6(address);
      return words ? this.#v6.lookupWords(words) : -1;
    }
    const v4 = parseIpv4(address);
    return v4 < 0 ? -1 : this.#v4.lookup32(v4);
  }

  /** Prefixes inserted, and trie nodes (for the bench's memory figure). */
  get size(): { prefixes: number; nodes: number } {
    return { prefixes: this.#count, nodes: this.#v4.nodes + this.#v6.nodes };
  }
}
