/**
 * User/password login on a real SQLite store: the session token is an API token of the user's role, wrong and
 * unknown get one answer, failures are throttled per name and per address, logout revokes; the hash comes from
 * `epicenter password-hash` and the config refuses anything else with its file, line and path.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordCommand } from "../src/cli/password-command.js";
import { run } from "../src/cli/run.js";
import { parseConfig } from "../src/config/config-load.js";
import { formatIssue, SourceError } from "../src/model/model-errors.js";
import { SESSION_MS } from "../src/server/login-routes.js";
import { hashPassword, passwordHashProblem, verifyPassword } from "../src/server/password-hash.js";
import { createApp } from "../src/server/server-app.js";
import { captureIo } from "./capture-io.js";
import { openServerHub, type ServerHub } from "./server-hub.js";

/** The cheapest cost the config accepts: these tests hash and verify many times. */
const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
let served: ServerHub;
let hub: ServerHub["hub"];
let clock = Date.parse("2026-01-10T09:00:00Z");
const now = () => clock;

beforeAll(async () => {
  served = await openServerHub({
    users: [
      { name: "alice", role: "viewer", passwordHash: await hashPassword("alice-pass-1", CHEAP) },
      { name: "bob", role: "editor", passwordHash: await hashPassword("bob-pass-22", CHEAP) },
    ],
  });
  hub = served.hub;
});

afterAll(async () => {
  await served?.close();
});

const closedApp = () => createApp({ hub, auth: { anonymousRead: false }, now });

/** A request from `address`, as @hono/node-server's bindings carry it. */
function login(app: ReturnType<typeof createApp>, name: string, password: string, address = "192.0.2.7") {
  return app.request(
    "/api/v1/login",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password }),
    },
    { incoming: { socket: { remoteAddress: address } } },
  );
}

const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } });

describe("POST /api/v1/login", () => {
  it("answers a 12 h session token of the user's role that works up to that role and no further", async () => {
    const app = closedApp();
    const res = await login(app, "alice", "alice-pass-1");
    expect(res.status).toBe(200);
    const { token, secret } = (await res.json()) as {
      token: { name: string; role: string; expiresAt: string };
      secret: string;
    };
    expect(token).toMatchObject({ name: "session:alice", role: "viewer" });
    expect(Date.parse(token.expiresAt)).toBe(clock + SESSION_MS);
    expect(secret).toMatch(/^ept_/);
    expect((await app.request("/api/v1/states", bearer(secret))).status).toBe(200);
    const ack = await app.request("/api/v1/incidents/x/ack", { method: "POST", ...bearer(secret) });
    expect(ack.status).toBe(403);
    expect(((await ack.json()) as { error: { message: string } }).error.message).toContain(
      'token "session:alice" has viewer',
    );
    // Past its 12 hours the session is refused like any expired token.
    clock += SESSION_MS;
    const late = await app.request("/api/v1/states", bearer(secret));
    expect(late.status).toBe(401);
    expect(await late.text()).toContain("token expired");
  });

  it("gives an unknown user and a wrong password the same answer", async () => {
    const app = closedApp();
    const wrong = await login(app, "alice", "not-her-password");
    const unknown = await login(app, "mallory", "alice-pass-1");
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(((await served.store.listTokens()) as { name: string }[]).map((t) => t.name)).not.toContain(
      "session:mallory",
    );
  });

  it("refuses a name from one address after 5 failures a minute, with Retry-After; not from elsewhere", async () => {
    const app = closedApp();
    for (let i = 0; i < 5; i++)
      expect((await login(app, "bob", `guess-${i}`, "198.51.100.1")).status).toBe(401);
    const blocked = await login(app, "bob", "bob-pass-22", "198.51.100.1");
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe("too_many_requests");
    // The guesser does not lock bob out: from his own address he logs in, and the guesser's address may
    // still try other names.
    expect((await login(app, "bob", "bob-pass-22", "198.51.100.2")).status).toBe(200);
    expect((await login(app, "alice", "alice-pass-1", "198.51.100.1")).status).toBe(200);
    clock += retry * 1000;
    expect((await login(app, "bob", "bob-pass-22", "198.51.100.1")).status).toBe(200);
  });

  it("refuses an address after 20 failures a minute, whatever names it tries", async () => {
    const app = closedApp();
    for (let i = 0; i < 20; i++)
      expect((await login(app, `u${i}`, "whatever-1", "203.0.113.5")).status).toBe(401);
    expect((await login(app, "alice", "alice-pass-1", "203.0.113.5")).status).toBe(429);
    expect((await login(app, "alice", "alice-pass-1", "203.0.113.6")).status).toBe(200);
  });

  it("refuses a name everywhere only after 100 failures a minute from many addresses", async () => {
    const app = closedApp();
    for (let i = 0; i < 99; i++)
      expect((await login(app, "bob", "guess", `10.0.${i >> 4}.${i & 15}`)).status).toBe(401);
    expect((await login(app, "bob", "bob-pass-22", "10.9.9.9")).status).toBe(200);
    expect((await login(app, "bob", "guess", "10.0.6.3")).status).toBe(401); // the 100th
    expect((await login(app, "bob", "bob-pass-22", "10.9.9.10")).status).toBe(429);
    clock += 60_000;
    expect((await login(app, "bob", "bob-pass-22", "10.9.9.10")).status).toBe(200);
  });

  it("does not count successful logins against the address", async () => {
    const app = closedApp();
    for (let i = 0; i < 7; i++)
      expect((await login(app, "alice", "alice-pass-1", "203.0.113.9")).status).toBe(200);
  });
});

describe("POST /api/v1/logout", () => {
  it("revokes the caller's own token and nothing else", async () => {
    const app = closedApp();
    const one = ((await (await login(app, "alice", "alice-pass-1")).json()) as { secret: string }).secret;
    const two = ((await (await login(app, "alice", "alice-pass-1")).json()) as { secret: string }).secret;
    expect((await app.request("/api/v1/logout", { method: "POST", ...bearer(one) })).status).toBe(204);
    const after = await app.request("/api/v1/states", bearer(one));
    expect(after.status).toBe(401);
    expect(await after.text()).toContain("token revoked");
    expect((await app.request("/api/v1/states", bearer(two))).status).toBe(200);
    expect((await app.request("/api/v1/logout", { method: "POST" })).status).toBe(401);
  });
});

describe("epicenter password-hash", () => {
  it("hashes a piped password with a fresh salt; the hash verifies it and logs in from a config", async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { io, out, err } = captureIo();
      expect(await passwordCommand([], io, Readable.from(["correct horse battery\n"]))).toBe(0);
      expect(err).toEqual([]);
      hashes.push(out[0]!);
    }
    expect(hashes[0]).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hashes[1]).not.toBe(hashes[0]);
    expect(passwordHashProblem(hashes[0]!)).toBeNull();
    expect(await verifyPassword("correct horse battery", hashes[0]!)).toBe(true);
    expect(await verifyPassword("correct horse battery\n", hashes[0]!)).toBe(false);
    expect(await verifyPassword("correct horse batterz", hashes[1]!)).toBe(false);

    const config = parseConfig(
      "epicenter.yaml",
      `server:\n  users:\n    - { name: carol, role: admin, passwordHash: "${hashes[1]}" }\n`,
    );
    expect(config.server.users).toEqual([{ name: "carol", role: "admin", passwordHash: hashes[1] }]);
    const saved = hub.users();
    await served.setUsers(config.server.users);
    try {
      const res = await login(closedApp(), "carol", "correct horse battery");
      expect(res.status).toBe(200);
      expect(((await res.json()) as { token: { role: string } }).token.role).toBe("admin");
    } finally {
      await served.setUsers(saved);
    }
  });

  it("refuses short or missing passwords and a password on the command line", async () => {
    const short = captureIo();
    expect(await passwordCommand([], short.io, Readable.from(["abc\n"]))).toBe(1);
    expect(short.err.join("\n")).toContain("shorter than 8 characters");
    const none = captureIo();
    expect(await passwordCommand([], none.io, Readable.from([]))).toBe(1);
    expect(none.err.join("\n")).toContain("no password on standard input");
    const argv = captureIo();
    expect(await run(["password-hash", "hunter22"], argv.io)).toBe(2);
    expect(argv.err.join("\n")).toContain("never from the command line");
    const help = captureIo();
    expect(await run(["help"], help.io)).toBe(0);
    expect(help.out.join("\n")).toMatch(/password-hash +hash a dashboard user's password/);
  });
});

describe("server.users in epicenter.yaml", () => {
  const errors = (text: string) => {
    try {
      parseConfig("epicenter.yaml", text);
    } catch (error) {
      if (error instanceof SourceError) return error.issues.map(formatIssue);
      throw error;
    }
    return [];
  };

  it("refuses a plain password or a weak or mangled hash with file, line and path", async () => {
    const good = await hashPassword("a-good-password", CHEAP);
    const text = [
      "server:",
      "  users:",
      `    - { name: ann, role: viewer, passwordHash: "${good}" }`,
      "    - name: ben",
      "      role: editor",
      "      passwordHash: hunter22",
      "    - name: cat",
      "      role: viewer",
      `      passwordHash: "${good.replace("$16384$", "$1024$")}"`,
      "    - name: ann",
      "      role: root",
      `      passwordHash: "${good.slice(0, -25)}"`,
      "",
    ].join("\n");
    const found = errors(text);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^epicenter\.yaml:6 server\.users\[1\]\.passwordHash: not a password hash: expected scrypt\$N\$r\$p\$salt\$hash/,
        ),
        expect.stringMatching(
          /^epicenter\.yaml:9 server\.users\[2\]\.passwordHash: scrypt N must be a power of two/,
        ),
        expect.stringMatching(/^epicenter\.yaml:11 server\.users\[3\]\.role: /),
        expect.stringMatching(
          /^epicenter\.yaml:12 server\.users\[3\]\.passwordHash: the hash must be 16 to 64 bytes/,
        ),
      ]),
    );
    expect(errors(`server:\n  users:\n    - { name: ann, role: viewer, passwordHash: "${good}" }\n`)).toEqual(
      [],
    );
  });

  it("refuses a user listed twice", async () => {
    const good = await hashPassword("a-good-password", CHEAP);
    const user = `{ name: ann, role: viewer, passwordHash: "${good}" }`;
    expect(errors(`server:\n  users:\n    - ${user}\n    - ${user}\n`)).toEqual([
      'epicenter.yaml:4 server.users[1].name: user "ann" is listed twice',
    ]);
  });
});
