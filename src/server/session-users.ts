/**
 * Password sessions follow the config: a session token (named `session:<name>`, made by POST /api/v1/login)
 * is only as good as its user's entry in the running config's `server.users`. Asked at every request rather
 * than swept on reload, so a removed user's sessions stop at once and a demoted user's act with the new role
 * on every replica, whenever each one reloads.
 */
import type { HubUser } from "../hub/hub-api.js";
import type { Role, StoredToken } from "../store/store.js";

export const SESSION_PREFIX = "session:";

export function sessionName(user: string): string {
  return `${SESSION_PREFIX}${user}`;
}

/**
 * What the config says about a token named `tokenName`: not a session (an ordinary token, its stored role
 * holds), a session whose user is gone, or a session acting with its user's role now.
 */
export type SessionStanding =
  | { kind: "token" }
  | { kind: "removed"; user: string }
  | { kind: "user"; user: string; role: Role };

export function sessionStanding(tokenName: string, users: readonly HubUser[]): SessionStanding {
  if (!tokenName.startsWith(SESSION_PREFIX)) return { kind: "token" };
  const name = tokenName.slice(SESSION_PREFIX.length);
  const user = users.find((u) => u.name === name);
  return user ? { kind: "user", user: name, role: user.role } : { kind: "removed", user: name };
}

/** The store's side of sessions: what a reload calls so that unused sessions of removed users end too. */
export interface SessionStore {
  listTokens(): Promise<StoredToken[]>;
  revokeToken(id: string, at: number): Promise<boolean>;
}

/**
 * Revokes every live session whose user `users` no longer lists; answers how many. Requests already refuse
 * them (sessionStanding); this keeps one that was not used meanwhile from working again if the name is
 * listed again later.
 */
export async function revokeRemovedSessions(
  store: SessionStore,
  users: readonly HubUser[],
  now: number,
): Promise<number> {
  let revoked = 0;
  for (const token of await store.listTokens()) {
    if (token.revokedAt !== null && token.revokedAt <= now) continue;
    if (sessionStanding(token.name, users).kind !== "removed") continue;
    if (await store.revokeToken(token.id, now)) revoked++;
  }
  return revoked;
}
