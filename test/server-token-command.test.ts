/** `epicenter token`: create, list, revoke on a real SQLite store, and the created secret against the real app. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import { captureIo } from "./capture-io.js";
import { openServerHub } from "./server-hub.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-token-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function token(...args: string[]) {
  // An empty environment: these tests are about SQLite in --data, whatever EPICENTER_DATABASE_URL says.
  const { io, out, err } = captureIo(dir, {});
  const status = await run(["token", ...args], io);
  return { status, out: out.join("\n"), err: err.join("\n") };
}

describe("epicenter token", () => {
  it("creates a token whose secret, printed once, works on the API until it is revoked", async () => {
    const created = await token(
      "create",
      "--role",
      "editor",
      "--name",
      "agent-1",
      "--expires",
      "30d",
      "--data",
      "data",
    );
    expect(created.status).toBe(0);
    const secret = /^(ept_[A-Za-z0-9_-]{43})$/m.exec(created.out)?.[1];
    expect(secret).toBeDefined();
    expect(created.out).toContain("shown only this once");
    const id = /token (tok_[0-9a-f]+)/.exec(created.out)![1]!;

    const listed = await token("list", "--data", "data");
    expect(listed.out).toContain(id);
    expect(listed.out).toContain("agent-1");
    expect(listed.out).not.toContain(secret);

    const served = await openServerHub({ dir: join(dir, "data") });
    const { hub } = served;
    try {
      const app = createApp({ hub, auth: { anonymousRead: false } });
      const ack = () =>
        app.request("/api/v1/incidents/none/ack", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}` },
        });
      expect((await ack()).status).toBe(404); // authorized as editor; the incident does not exist
      const tokens = await app.request("/api/v1/tokens", { headers: { authorization: `Bearer ${secret}` } });
      expect(tokens.status).toBe(403);

      expect((await token("revoke", id, "--data", "data")).status).toBe(0);
      expect((await ack()).status).toBe(401);
    } finally {
      await served.close();
    }
    const json = JSON.parse((await token("list", "--json", "--data", "data")).out) as {
      tokens: { id: string; revokedAt: string | null; expiresAt: string }[];
    };
    const row = json.tokens.find((t) => t.id === id)!;
    expect(row.revokedAt).toMatch(/Z$/);
    expect(Date.parse(row.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it("refuses an expiry beyond 10 years, and lists a stored out-of-range expiry as invalid", async () => {
    const huge = await token("create", "--role", "viewer", "--expires", "100000000d", "--data", "bounds");
    expect(huge.status).toBe(2);
    expect(huge.err).toContain("--expires must be at most 3650d (10 years)");
    const made = await token("create", "--role", "viewer", "--name", "legacy", "--json", "--data", "bounds");
    const { id } = (JSON.parse(made.out) as { token: { id: string } }).token;
    const store = await openStore({ dataDir: join(dir, "bounds"), env: {} });
    try {
      const [row] = await store.listTokens();
      await store.createToken({ ...row!, id: `${id}x`, hash: `${row!.hash}x`, expiresAt: 8.64e18 });
    } finally {
      await store.close();
    }
    const listed = await token("list", "--data", "bounds");
    expect(listed.status).toBe(0);
    expect(listed.out).toMatch(new RegExp(`${id}x .*expiry invalid`));
    expect(listed.out).toMatch(new RegExp(`${id} .*never expires`));
    const json = JSON.parse((await token("list", "--json", "--data", "bounds")).out) as {
      tokens: { id: string; expiresAt: string | null; invalid?: string[] }[];
    };
    expect(json.tokens.find((t) => t.id === `${id}x`)).toMatchObject({
      expiresAt: null,
      invalid: ["expiresAt"],
    });
  });

  it("refuses bad usage with exit 2 and an unknown id with exit 1", async () => {
    expect((await token("create", "--data", "data")).status).toBe(2);
    const badRole = await token("create", "--role", "root", "--data", "data");
    expect(badRole.status).toBe(2);
    expect(badRole.err).toContain("--role viewer|editor|admin");
    expect((await token("create", "--role", "viewer", "--expires", "soon", "--data", "data")).status).toBe(2);
    expect((await token("revoke", "--data", "data")).status).toBe(2);
    expect((await token("frobnicate")).status).toBe(2);
    const unknown = await token("revoke", "tok_nope", "--data", "data");
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain('no token "tok_nope"');
    expect((await token("--help")).status).toBe(0);
  });
});
