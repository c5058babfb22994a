import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/open-store.js";

const root = mkdtempSync(join(tmpdir(), "epicenter-open-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("openStore", () => {
  it("opens SQLite in <dataDir>/epicenter.db when no database URL is given, and keeps data across reopening", async () => {
    const dataDir = join(root, "a", "b");
    const store = await openStore({ dataDir, env: {} });
    expect(store.engine).toBe("sqlite");
    expect(store.capabilities.shared).toBe(false);
    await store.recordHeartbeat("job#1", 42);
    await store.close();
    expect(existsSync(join(dataDir, "epicenter.db"))).toBe(true);
    const again = await openStore({ dataDir, env: {} });
    expect(await again.lastHeartbeats()).toEqual(new Map([["job#1", 42]]));
    await again.close();
  });

  it("refuses a URL that is not postgres:// and says how to get SQLite", async () => {
    await expect(
      openStore({ dataDir: root, env: { EPICENTER_DATABASE_URL: "mysql://x" } }),
    ).rejects.toMatchObject({
      name: "StoreError",
      code: "E_STORE_OPTION",
      message: expect.stringContaining("unset EPICENTER_DATABASE_URL"),
    });
  });

  it("names the server, without its password, when PostgreSQL cannot be reached", async () => {
    const error = await openStore({ dataDir: root, databaseUrl: "postgres://u:secret@127.0.0.1:1/db" }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ name: "StoreError", code: "E_STORE_OPEN" });
    expect(error.message).toContain("127.0.0.1:1");
    expect(error.message).not.toContain("secret");
  });

  it("rejects a schema name that is not a plain identifier", async () => {
    await expect(
      openStore({
        dataDir: root,
        databaseUrl: "postgres://u@127.0.0.1:1/db",
        schema: 'x"; drop table y; --',
      }),
    ).rejects.toMatchObject({ code: "E_STORE_OPTION" });
  });
});
