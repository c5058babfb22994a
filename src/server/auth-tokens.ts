/**
 * API tokens: secrets `ept_<base64url of 32 random bytes>`, of which the store keeps only the SHA-256 hash, each
 * with a role (viewer < editor < admin), an optional expiry and a revocation time. Shared by the server's auth
 * and the `epicenter token` command.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Role, Store, StoredToken } from "../store/store.js";

export const ROLES = ["viewer", "editor", "admin"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `role` may do what `needed` may. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

const SECRET_PREFIX = "ept_";
/** 32 bytes in unpadded base64url are 43 characters. */
const SECRET_PATTERN = /^ept_[A-Za-z0-9_-]{43}$/;

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The longest lifetime a token may be given: longer is "never", and says so (leave the expiry out). */
export const MAX_TOKEN_LIFETIME_MS = 3650 * 86_400_000;

/**
 * Why `ms` is no token lifetime, completing "<option> must be …"; undefined when it is one. Unbounded
 * lifetimes once stored times past the last date JavaScript can show, and broke every token list.
 */
export function lifetimeProblem(ms: number): string | undefined {
  if (!(ms > 0)) return "must be more than 0";
  if (!(ms <= MAX_TOKEN_LIFETIME_MS))
    return "must be at most 3650d (10 years); leave it out for a token that never expires";
  return undefined;
}

/** A token lifetime out of bounds, asked for through code rather than the API or CLI (which check first). */
export class TokenLifetimeError extends Error {
  override readonly name = "TokenLifetimeError";
  readonly code = "E_TOKEN_LIFETIME";
}

export interface NewToken {
  name: string;
  role: Role;
  /** Lifetime in ms from `now`; absent for a token that never expires. */
  expiresInMs?: number;
  now: number;
}

/** Makes a token and its secret; the secret exists only in the return value (show it once, keep the hash). */
export function mintToken(options: NewToken): { token: StoredToken; secret: string } {
  const problem = options.expiresInMs === undefined ? undefined : lifetimeProblem(options.expiresInMs);
  if (problem !== undefined) throw new TokenLifetimeError(`a token's lifetime ${problem}`);
  const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
  const token: StoredToken = {
    id: `tok_${randomBytes(8).toString("hex")}`,
    name: options.name,
    role: options.role,
    hash: hashSecret(secret),
    createdAt: options.now,
    expiresAt: options.expiresInMs === undefined ? null : options.now + options.expiresInMs,
    revokedAt: null,
  };
  return { token, secret };
}

/** Mints a token and stores it. */
export async function createToken(
  store: Store,
  options: NewToken,
): Promise<{ token: StoredToken; secret: string }> {
  const minted = mintToken(options);
  await store.createToken(minted.token);
  return minted;
}

export type Verification =
  | { ok: true; token: StoredToken }
  | { ok: false; reason: "malformed" | "unknown" | "expired" | "revoked" };

/**
 * Finds the live token a secret belongs to. The lookup is by the secret's SHA-256, so no comparison of secrets
 * happens in our code: an attacker timing the lookup learns at most about hashes of their own guesses, which
 * says nothing about a real secret (the preimage is 256 random bits), so a timing-safe compare adds nothing.
 */
export async function verifySecret(store: Store, secret: string, now: number): Promise<Verification> {
  if (!SECRET_PATTERN.test(secret)) return { ok: false, reason: "malformed" };
  return verifyHash(store, hashSecret(secret), now);
}

/** Whether the token stored under `hash` is still live at `now` (a long-lived response checks again with it). */
export async function verifyHash(store: Store, hash: string, now: number): Promise<Verification> {
  const token = await store.findTokenByHash(hash);
  if (!token) return { ok: false, reason: "unknown" };
  if (token.revokedAt !== null && token.revokedAt <= now) return { ok: false, reason: "revoked" };
  if (token.expiresAt !== null && token.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, token };
}

/** A token as the API and CLI show it: never the hash. */
export function publicToken(token: StoredToken): Omit<StoredToken, "hash"> {
  const { hash: _hash, ...rest } = token;
  return rest;
}
