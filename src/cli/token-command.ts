/** `epicenter token create|list|revoke`: API tokens in the hub's store (the secret is printed once, on create). */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DURATION_RULE, parseDuration } from "../model/duration.js";
import { ID_RULE, isValidId } from "../model/ids.js";
import { renderToken } from "../server/api-render.js";
import { createToken, lifetimeProblem, TOKEN_ROLES, vantageProblem } from "../server/auth-tokens.js";
import { SESSION_PREFIX } from "../server/session-users.js";
import { openStore } from "../store/open-store.js";
import type { Store, TokenRole } from "../store/store.js";
import { type CliIo, UsageError } from "./io.js";
import { formatTable } from "./table-format.js";

/** Where the hub keeps its SQLite store unless told otherwise (`--data DIR`). */
export const DEFAULT_DATA_DIR = "data";

const tokenHelp = `epicenter token create --role viewer|editor|admin [--name NAME] [--expires 30d] [--data DIR] [--json]
epicenter token create --role agent --vantage ID [--name NAME] [--expires 30d] [--data DIR] [--json]
epicenter token list [--data DIR] [--json]
epicenter token revoke ID [--data DIR]

API tokens for the hub's HTTP API (send as Authorization: Bearer <secret>). Roles: viewer reads, editor also
acknowledges incidents and ingests observations of any vantage, admin also manages tokens; agent only posts
observations of its one --vantage (give each remote agent its own). No token may post as the hub's own
vantage "hub". Only a hash of each secret is stored: create prints the secret once; a lost secret is
replaced, not recovered.
  --role R       viewer, editor, admin or agent (create; required)
  --vantage ID   the vantage an agent token posts as, like probe/eu-west (create --role agent; required)
  --name NAME    who or what uses it (default: the role)
  --expires D    lifetime, like 12h or 30d (default: never)
  --data DIR     the hub's data directory (default ./${DEFAULT_DATA_DIR}); EPICENTER_DATABASE_URL, when set,
                 selects PostgreSQL instead
  --json         machine-readable output`;

const OPTIONS = {
  role: { type: "string" },
  vantage: { type: "string" },
  name: { type: "string" },
  expires: { type: "string" },
  data: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function tokenCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.out(tokenHelp);
    return values.help ? 0 : 2;
  }
  if (action !== "create" && action !== "list" && action !== "revoke")
    throw new UsageError(`unknown action "${action}": use create, list or revoke\n\n${tokenHelp}`);
  if (action === "revoke" ? rest.length !== 1 : rest.length > 0)
    throw new UsageError(
      action === "revoke"
        ? "revoke needs one token id (see epicenter token list)"
        : `unexpected "${rest[0]}"`,
    );
  const create = action === "create" ? createOptions(values) : undefined;

  // A store that cannot be opened is a StoreError: run() prints it and exits 3.
  const store: Store = await openStore({
    dataDir: resolve(io.cwd, values.data ?? DEFAULT_DATA_DIR),
    env: io.env,
  });
  try {
    if (create) return await printCreated(store, create, values.json === true, io);
    if (action === "list") return await printList(store, values.json === true, io);
    const id = rest[0]!;
    if (!(await store.revokeToken(id, Date.now()))) {
      io.err(`epicenter token: no token "${id}" (see epicenter token list)`);
      return 1;
    }
    io.out(`Revoked ${id}: requests with it are refused from now on.`);
    return 0;
  } finally {
    await store.close();
  }
}

function createOptions(values: { role?: string; vantage?: string; name?: string; expires?: string }) {
  const role = values.role as TokenRole | undefined;
  if (role === undefined || !TOKEN_ROLES.includes(role))
    throw new UsageError(
      `create needs --role ${TOKEN_ROLES.join("|")}${role === undefined ? "" : `, not "${role}"`}`,
    );
  const vantage = values.vantage?.trim();
  const mismatch = vantageProblem(role, vantage === "" ? undefined : vantage);
  if (mismatch !== undefined) throw new UsageError(`--vantage: ${mismatch}`);
  if (vantage && !isValidId(vantage)) throw new UsageError(`--vantage "${vantage}" is no id: ${ID_RULE}`);
  let expiresInMs: number | undefined;
  if (values.expires !== undefined) {
    const seconds = parseDuration(values.expires);
    if (seconds === undefined || seconds <= 0)
      throw new UsageError(`--expires "${values.expires}" is not a lifetime: ${DURATION_RULE}`);
    expiresInMs = Math.round(seconds * 1000);
    const problem = lifetimeProblem(expiresInMs);
    if (problem !== undefined) throw new UsageError(`--expires ${problem}`);
  }
  const name = values.name?.trim() || role;
  if (name.startsWith(SESSION_PREFIX))
    throw new UsageError(
      `--name "${name}": names starting with "${SESSION_PREFIX}" are kept for password logins`,
    );
  return {
    role,
    name,
    ...(vantage ? { vantage } : {}),
    ...(expiresInMs === undefined ? {} : { expiresInMs }),
  };
}

async function printCreated(
  store: Store,
  options: { role: TokenRole; name: string; vantage?: string; expiresInMs?: number },
  json: boolean,
  io: CliIo,
): Promise<number> {
  const { token, secret } = await createToken(store, { ...options, now: Date.now() });
  const shown = renderToken(token);
  if (json) {
    io.out(JSON.stringify({ token: shown, secret }));
    return 0;
  }
  const bound = shown.vantage === null ? "" : ` for vantage ${shown.vantage}`;
  io.out(
    `Created ${shown.role} token ${shown.id} "${shown.name}"${bound}, ${shown.expiresAt ? `expires ${shown.expiresAt}` : "never expires"}.`,
  );
  io.out("Secret (shown only this once; store it now):");
  io.out(secret);
  io.out("Send it as: Authorization: Bearer <secret>");
  return 0;
}

function tokenStatus(t: ReturnType<typeof renderToken>): string {
  const invalid = t.invalid ?? [];
  if (t.revokedAt) return `revoked ${t.revokedAt}`;
  if (invalid.includes("revokedAt")) return "revoked (time invalid)";
  if (t.expiresAt) return `expires ${t.expiresAt}`;
  // Past the last date there is: in practice never, but flagged so that it gets replaced.
  if (invalid.includes("expiresAt")) return "expiry invalid (beyond any date): revoke and replace it";
  return "never expires";
}

async function printList(store: Store, json: boolean, io: CliIo): Promise<number> {
  const tokens = (await store.listTokens()).map(renderToken);
  if (json) {
    io.out(JSON.stringify({ tokens }));
    return 0;
  }
  if (tokens.length === 0) {
    io.out("No tokens yet: epicenter token create --role admin");
    return 0;
  }
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.role,
    t.vantage ?? "",
    t.createdAt ?? "(invalid time)",
    tokenStatus(t),
  ]);
  for (const line of formatTable([["id", "name", "role", "vantage", "created", "status"], ...rows], [], ""))
    io.out(line);
  return 0;
}
