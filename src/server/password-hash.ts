/**
 * Password hashes for user/password login: scrypt (node:crypto) with a random salt, written in a
 * self-describing form `scrypt$N$r$p$<salt>$<hash>` (salt and hash in unpadded base64url), so the cost can
 * rise later without breaking hashes already in epicenter.yaml. Plain passwords are never stored or accepted
 * in the file: `epicenter password-hash` makes the string, the config only checks its form.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * The cost of new hashes: N = 2^15 (32 MiB), r = 8, p = 3, one of OWASP's equivalent scrypt settings
 * (Password Storage Cheat Sheet); about 0.15 s per hash on a laptop core, off the event loop.
 */
const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 3 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse parameters that would make one login take more than this much memory (128 * N * r bytes). */
const MAX_MEMORY = 256 * 1024 * 1024;
const B64URL = /^[A-Za-z0-9_-]+$/;

interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** What is wrong with `text` as a password hash, or null when it is well formed. Pure: no hashing. */
export function passwordHashProblem(text: string): string | null {
  const parsed = parseParts(text);
  return typeof parsed === "string" ? parsed : null;
}

const FORM =
  "expected scrypt$N$r$p$salt$hash as printed by `epicenter password-hash` (never a plain password)";

function parseParts(text: string): PasswordHash | string {
  const parts = text.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return `not a password hash: ${FORM}`;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,9}$/.test(s!) ? Number(s) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  if (!(N >= 2 ** 14 && N <= 2 ** 22 && (N & (N - 1)) === 0))
    return `scrypt N must be a power of two from 16384 to 4194304: ${FORM}`;
  if (!(r >= 8 && r <= 32)) return `scrypt r must be 8 to 32: ${FORM}`;
  if (!(p >= 1 && p <= 16)) return `scrypt p must be 1 to 16: ${FORM}`;
  if (128 * N * r > MAX_MEMORY) return `scrypt N * r needs more than ${MAX_MEMORY >> 20} MiB per login`;
  const [salt, hash] = [parts[4]!, parts[5]!];
  if (!B64URL.test(salt) || !B64URL.test(hash)) return `salt and hash must be base64url: ${FORM}`;
  const saltBytes = Buffer.from(salt, "base64url");
  const hashBytes = Buffer.from(hash, "base64url");
  if (saltBytes.length < SALT_BYTES) return `the salt must be at least ${SALT_BYTES} bytes: ${FORM}`;
  if (hashBytes.length < 16 || hashBytes.length > 64) return `the hash must be 16 to 64 bytes: ${FORM}`;
  return { N, r, p, salt: saltBytes, hash: hashBytes };
}

function derive(password: string, salt: Buffer, length: number, cost: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password.normalize("NFC"),
      salt,
      length,
      { ...cost, maxmem: 2 * 128 * cost.N * cost.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** A new hash of `password` with a random salt, in the `scrypt$…` form. */
export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Whether `password` matches `stored` (compared in constant time); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseParts(stored);
  if (typeof parsed === "string") return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}
