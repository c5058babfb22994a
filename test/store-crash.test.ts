/**
 * "A write that resolved is committed": a child process writes batches and reports each one acknowledged;
 * the test kills it with SIGKILL mid-stream, reopens the store and finds every acknowledged batch, and
 * every batch whole or absent (one transaction each). The store is compiled with tsc first (only its own
 * import closure, into node_modules/.cache) because the child is plain Node without a TypeScript loader.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenStoreOptions, openStore } from "../src/store/open-store.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "node_modules", ".cache", "epicenter-store-crash");
const child = fileURLToPath(new URL("./fixtures/store-crash-child.mjs", import.meta.url));
const BATCH = 500;
/** Batches acknowledged before the kill; the child keeps writing while the signal travels. */
const ACKS_BEFORE_KILL = 30;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const flags = [
    "--outDir",
    out,
    "--rootDir",
    root,
    "--module",
    "NodeNext",
    "--moduleResolution",
    "NodeNext",
  ];
  execFileSync(
    process.execPath,
    [tsc, ...flags, "--target", "ES2022", "--skipLibCheck", "--types", "node", "src/store/open-store.ts"],
    {
      cwd: root,
      stdio: "pipe",
    },
  );
}, 120_000);

/** Runs the child until it has acknowledged enough batches, kills it, and returns the batches it acknowledged. */
async function writeAndKill(options: OpenStoreOptions): Promise<number[]> {
  const proc: ChildProcess = spawn(
    process.execPath,
    [child, join(out, "src", "store", "open-store.js"), JSON.stringify({ ...options, batch: BATCH })],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.on("exit", (_code, signal) => resolve(signal)),
  );
  const acked: number[] = [];
  for await (const line of createInterface({ input: proc.stdout! })) {
    const m = /^ack (\d+)$/.exec(line);
    if (m) acked.push(Number(m[1]));
    if (acked.length === ACKS_BEFORE_KILL) proc.kill("SIGKILL");
  }
  const signal = await exited;
  expect(signal, `the child should die of SIGKILL; its stderr: ${stderr}`).toBe("SIGKILL");
  return acked;
}

async function checkSurvivors(options: OpenStoreOptions, acked: number[]): Promise<void> {
  const store = await openStore(options);
  try {
    const stored = await store.queryObservations({ limit: 10_000_000 });
    const perBatch = new Map<number, number>();
    for (const o of stored) {
      const n = Number(/^c(\d+)-/.exec(o.id)![1]);
      perBatch.set(n, (perBatch.get(n) ?? 0) + 1);
    }
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    for (const n of acked) expect(perBatch.get(n), `acknowledged batch ${n}`).toBe(BATCH);
    // A batch in flight at the kill is all there or absent.
    for (const [n, count] of perBatch) expect(count, `batch ${n}`).toBe(BATCH);
    const sample = stored.find((o) => o.id === "c0-7")!;
    expect(sample).toStrictEqual({
      id: "c0-7",
      at: Date.UTC(2026, 10, 24) + 7,
      vantage: "probe/crash",
      component: "acme/site-7",
      check: "acme/site-7#1",
      status: "down",
      latencyMs: null,
      errorClass: "timeout",
    });
  } finally {
    await store.close();
  }
}

describe("store survives kill -9 (SQLite)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "epicenter-crash-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps every acknowledged batch", async () => {
    const options = { dataDir, env: {} };
    await checkSurvivors(options, await writeAndKill(options));
  });
});

const reason = await postgresUnreachable();
describe.skipIf(reason !== null)(
  `store survives kill -9 (PostgreSQL)${reason ? ` (skipped: ${reason})` : ""}`,
  () => {
    const schema = `epicenter_crash_${Date.now().toString(36)}_${process.pid}`;
    afterAll(async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    });

    it("keeps every acknowledged batch", async () => {
      const options = { dataDir: "unused", databaseUrl: postgresUrl, schema };
      await checkSurvivors(options, await writeAndKill(options));
    });
  },
);
