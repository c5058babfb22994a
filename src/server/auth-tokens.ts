/**
 * API tokens: secrets `ept_<base64url of 32 random bytes>`, of which the store keeps only the SHA-256 hash, each
 * with a role (viewer < editor < admin, or agent), an optional expiry and a revocation time. An agent token is
 * bound to one vantage and may only post that vantage's observations, as the NATS bus binds each agent's
 * subjects to its vantage. Shared by the server's auth and the `epicenter token` command.
 */
import { createHash, randomBytes } from "node:crypto";
import { HUB_VANTAGE } from "../hub/heartbeats.js";
import type { Role, Store, StoredToken, TokenRole } from "../store/store.js";

/** The ranked roles: of users (server.users) and of what a route needs. */
export const ROLES = ["viewer", "editor", "admin"] as const satisfies readonly Role[];

/** What a token may be given: a ranked role, or agent. */
export const TOKEN_ROLES = [...ROLES, "agent"] as const satisfies readonly TokenRole[];

/** An agent is outranked by every role: it reaches no route by rank, only the one that admits agents. */
const RANK: Record<TokenRole, number> = { agent: -1, viewer: 0, editor: 1, admin: 2 };

/** Whether `role` may do what `needed` may. */
export function roleAtLeast(role: TokenRole, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** The one route an agent token may call (its handler checks each observation's vantage). */
export const AGENT_ROUTE = { method: "POST", path: "/api/v1/observations" } as const;

/**
 * Why `role` and `vantage` do not go together, completing "…: <reason>"; undefined when they do. An agent
 * token needs its vantage; other roles take none (an editor may post as any vantage but the hub's own).
 */
export function vantageProblem(role: TokenRole, vantage: string | undefined): string | undefined {
  if (role === "agent") {
    if (vantage === undefined) return "an agent token needs the vantage it posts as";
    if (vantage === HUB_VANTAGE) return `"${HUB_VANTAGE}" is the hub's own vantage; no token posts as it`;
    return undefined;
  }
  return vantage === undefined ? undefined : `only agent tokens are bound to a vantage, not ${role} tokens`;
}

const SECRET_PREFIX = "ept_";
/** 32 bytes in unpadded base64url are 43 characters. */
const SECRET_PATTERN = /^ept_[A-Za-z0-9_-]{43}$/;

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The longest lifetime a token may be given: longer is "never", and says so (leave the expiry out). */
const MAX_TOKEN_LIFETIME_MS = 3650 * 86_400_000;

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

/** A role and vantage that do not go together, asked for through code (the API and CLI check first). */
export class TokenVantageError extends Error {
  override readonly name = "TokenVantageError";
  readonly code = "E_TOKEN_VANTAGE";
}

export interface NewToken {
  name: string;
  role: TokenRole;
  /** The vantage an agent token posts as; required for agents, refused for other roles. */
  vantage?: string;
  /** Lifetime in ms from `now`; absent for a token that never expires. */
  expiresInMs?: number;
  now: number;
}

/** Makes a token and its secret; the secret exists only in the return value (show it once, keep the hash). */
function mintToken(options: NewToken): { token: StoredToken; secret: string } {
  const problem = options.expiresInMs === undefined ? undefined : lifetimeProblem(options.expiresInMs);
  if (problem !== undefined) throw new TokenLifetimeError(`a token's lifetime ${problem}`);
  const mismatch = vantageProblem(options.role, options.vantage);
  if (mismatch !== undefined) throw new TokenVantageError(mismatch);
  const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
  const token: StoredToken = {
    id: `tok_${randomBytes(8).toString("hex")}`,
    name: options.name,
    role: options.role,
    hash: hashSecret(secret),
    createdAt: options.now,
    expiresAt: options.expiresInMs === undefined ? null : options.now + options.expiresInMs,
    revokedAt: null,
    vantage: options.vantage ?? null,
  };
  return { token, secret };
}

/** Mints a token and stores it. */
export async function createToken(
  store: Pick<Store, "createToken">,
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
export async function verifySecret(
  store: Pick<Store, "findTokenByHash">,
  secret: string,
  now: number,
): Promise<Verification> {
  if (!SECRET_PATTERN.test(secret)) return { ok: false, reason: "malformed" };
  return verifyHash(store, hashSecret(secret), now);
}

/** Whether the token stored under `hash` is still live at `now` (a long-lived response checks again with it). */
export async function verifyHash(
  store: Pick<Store, "findTokenByHash">,
  hash: string,
  now: number,
): Promise<Verification> {
  const token = await store.findTokenByHash(hash);
  if (!token) return { ok: false, reason: "unknown" };
  if (token.revokedAt !== null && token.revokedAt <= now) return { ok: false, reason: "revoked" };
  if (token.expiresAt !== null && token.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, token };
}
