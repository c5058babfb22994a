/**
 * Password sessions follow the config: a session token (named `session:<name>`, made by POST /api/v1/login)
 * is only as good as its user's entry in the running config's `server.users`. Asked at every request rather
 * than swept on reload, so a removed user's sessions stop at once and a demoted user's act with the new role
 * on every replica, whenever each one reloads.
 */
import type { HubUser } from "../hub/hub-api.js";
import type { Role } from "../store/store.js";

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
