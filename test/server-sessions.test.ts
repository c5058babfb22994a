/**
 * Password sessions follow the config through a real hub reload: the real server app over an ReplicatedHub on
 * SQLite; a removed user's session is refused at once (and stays refused if the name comes back), a demoted
 * user's session acts with the new role, so a demoted admin can no longer make an admin token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { HubUser } from "../src/hub/hub-api.js";
import { hashPassword } from "../src/server/password-hash.js";
import { createApp } from "../src/server/server-app.js";
import { revokeRemovedSessions } from "../src/server/session-users.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { suspectedModel } from "./suspected-fixture.js";

const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
const T0 = 1_800_000_000_000;
let dir: string;
let store: Store;
let hub: ReplicatedHub;
let alice: HubUser;
let bob: HubUser;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-sessions-"));
  store = await openStore({ dataDir: dir });
  alice = { name: "alice", role: "admin", passwordHash: await hashPassword("alice-pass-1", CHEAP) };
  bob = { name: "bob", role: "admin", passwordHash: await hashPassword("bob-pass-22", CHEAP) };
  hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: { ...suspectedModel, users: [alice, bob] },
    clock: () => T0,
    tickMs: 3_600_000,
  });
  await hub.start();
});
afterEach(async () => {
  await hub.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function session(app: ReturnType<typeof createApp>, name: string, password: string): Promise<string> {
  const res = await app.request("/api/v1/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { secret: string }).secret;
}

const as = (secret: string, init: RequestInit = {}) => ({
  ...init,
  headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
});
const makeAdminToken = (secret: string) =>
  as(secret, { method: "POST", body: JSON.stringify({ name: "ci", role: "admin" }) });

describe("sessions after a config reload", () => {
  it("refuses a removed user's session at once and runs a demoted user's with the new role", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false }, now: () => T0, webRoot: null });
    const a = await session(app, "alice", "alice-pass-1");
    const b = await session(app, "bob", "bob-pass-22");
    expect((await app.request("/api/v1/tokens", makeAdminToken(b))).status).toBe(201);

    await hub.reload({ ...suspectedModel, users: [{ ...bob, role: "viewer" }] });

    const gone = await app.request("/api/v1/states", as(a));
    expect(gone.status).toBe(401);
    expect(await gone.text()).toContain("no longer in the config's server.users");
    expect((await app.request("/api/v1/states", as(b))).status).toBe(200);
    const demoted = await app.request("/api/v1/tokens", makeAdminToken(b));
    expect(demoted.status).toBe(403);
    expect(((await demoted.json()) as { error: { message: string } }).error.message).toContain(
      'token "session:bob" has viewer',
    );

    // Listing alice again gives her a new login, not her old session back.
    await hub.reload({ ...suspectedModel, users: [alice, { ...bob, role: "viewer" }] });
    expect((await app.request("/api/v1/states", as(a))).status).toBe(401);
    const fresh = await session(app, "alice", "alice-pass-1");
    expect((await app.request("/api/v1/tokens", makeAdminToken(fresh))).status).toBe(201);
  });

  it("ends an unused session of a removed user on reload, so listing the name again does not revive it", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false }, now: () => T0, webRoot: null });
    const a = await session(app, "alice", "alice-pass-1");
    const b = await session(app, "bob", "bob-pass-22");
    await hub.reload({ ...suspectedModel, users: [bob] });
    // What serve does after each reload.
    expect(await revokeRemovedSessions(store, hub.users(), T0)).toBe(1);
    await hub.reload({ ...suspectedModel, users: [alice, bob] });
    const back = await app.request("/api/v1/states", as(a));
    expect(back.status).toBe(401);
    expect(await back.text()).toContain("token revoked");
    expect((await app.request("/api/v1/states", as(b))).status).toBe(200);
  });

  it("keeps the session: names to logins", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false }, now: () => T0, webRoot: null });
    const b = await session(app, "bob", "bob-pass-22");
    const res = await app.request(
      "/api/v1/tokens",
      as(b, { method: "POST", body: JSON.stringify({ name: "session:carol", role: "viewer" }) }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("session:");
  });

  it("leaves ordinary tokens to their stored role whatever the users", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false }, now: () => T0, webRoot: null });
    const b = await session(app, "bob", "bob-pass-22");
    const made = await app.request("/api/v1/tokens", makeAdminToken(b));
    const { secret } = (await made.json()) as { secret: string };
    await hub.reload({ ...suspectedModel, users: [] });
    expect((await app.request("/api/v1/tokens", as(secret))).status).toBe(200);
    expect((await app.request("/api/v1/tokens", as(b))).status).toBe(401);
  });
});
