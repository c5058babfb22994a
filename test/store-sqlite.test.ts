import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { runStoreContract } from "./store-contract.js";

const root = mkdtempSync(join(tmpdir(), "epicenter-store-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runStoreContract("sqlite", (options) =>
  openSqliteStore({ dataDir: join(root, `store-${n++}`, "nested"), ...options }),
);
