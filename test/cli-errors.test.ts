/**
 * Issue 13: the named errors a command meets at the edges (a store that cannot be opened, a port in use, an
 * address no interface has, a NATS server or PostgreSQL out of reach) end the real CLI process with one line
 * saying what to do and exit status 3, never "unexpected error" and a stack trace, and the process exits
 * (nothing started before the failure keeps it alive). And a config reload whose store fails is a warning.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubProcess } from "../src/cli/serve-process.js";
import { compileServe } from "./serve-child.js";

let dir: string;
let entry: string;
let busy: net.Server;
let busyPort: number;

const CONFIG = [
  "catalog: false",
  "vantages: [probe/a]",
  "components:",
  "  - id: acme/api",
  "    checks:",
  "      - http: http://127.0.0.1:9/health",
  "        interval: 1h",
  "",
].join("\n");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-cli-errors-"));
  writeFileSync(join(dir, "epicenter.yaml"), CONFIG);
  writeFileSync(join(dir, "a-file"), "not a directory\n");
  entry = compileServe("epicenter-cli-errors");
  busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as net.AddressInfo).port;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => busy?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the compiled CLI to its end (failing after 30 s: it must exit by itself). */
function cli(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [entry, ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d: Buffer) => {
    stdout += d;
  });
  proc.stderr.on("data", (d: Buffer) => {
    stderr += d;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`epicenter ${args.join(" ")} did not exit within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const serve = ["serve", "--config", "epicenter.yaml"];

describe("the CLI at its edges", () => {
  const cases: { name: string; args: () => string[]; env?: Record<string, string>; says: RegExp }[] = [
    {
      name: "a data directory that cannot be made",
      args: () => [...serve, "--data", "a-file/data", "--port", "0"],
      says: /^epicenter serve: cannot open the SQLite store .*a-file\/data\/epicenter\.db: ENOTDIR.*; check that the data directory is writable$/,
    },
    {
      name: "a port in use",
      args: () => [...serve, "--data", "d-port", "--port", String(busyPort)],
      says: /^epicenter serve: cannot listen on 127\.0\.0\.1:\d+: the port is in use .*choose another --port \(0 picks a free one\)$/,
    },
    {
      name: "a port in use, for the demo",
      args: () => ["serve", "--data", "d-demo", "--port", String(busyPort)],
      says: /^epicenter serve: cannot listen on 127\.0\.0\.1:\d+: the port is in use/,
    },
    {
      name: "an address no interface has",
      args: () => [...serve, "--data", "d-host", "--port", "0", "--host", "192.0.2.1"],
      says: /^epicenter serve: cannot listen on 192\.0\.2\.1:0: no network interface .*use --host 127\.0\.0\.1/,
    },
    {
      name: "a NATS server out of reach",
      args: () => [...serve, "--data", "d-bus", "--port", "0", "--bus", "nats://127.0.0.1:1"],
      says: /^epicenter serve: cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1 .*nats-server/,
    },
    {
      name: "PostgreSQL out of reach, for a token list",
      args: () => ["token", "list"],
      env: { EPICENTER_DATABASE_URL: "postgres://127.0.0.1:1/epicenter" },
      says: /^epicenter token: cannot reach PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/epicenter: .*check EPICENTER_DATABASE_URL/,
    },
  ];

  it.each(cases)(
    "$name: one line saying what to do, exit 3",
    async ({ args, env, says }) => {
      const { code, stderr } = await cli(args(), env);
      expect(stderr).not.toContain("unexpected error");
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr.trimEnd()).toMatch(says);
      expect(code).toBe(3);
    },
    40_000,
  );
});

describe("a config reload whose store fails", () => {
  it("is a warning; the serve process goes on and stops cleanly", async () => {
    const here = join(dir, "reload");
    mkdirSync(here);
    writeFileSync(join(here, "epicenter.yaml"), CONFIG);
    const warnings: string[] = [];
    const served = await startHubProcess({
      configFile: join(here, "epicenter.yaml"),
      dataDir: join(here, "data"),
      port: 0,
      host: "127.0.0.1",
      log: () => {},
      warn: (line) => warnings.push(line),
    });
    try {
      // The store goes away under the running hub (a disk pulled, a database dropped).
      await served.store.close();
      writeFileSync(join(here, "epicenter.yaml"), CONFIG.replace("interval: 1h", "interval: 2h"));
      served.reload("test");
      await expect
        .poll(() => warnings.join("\n"), { timeout: 10_000 })
        .toMatch(/config reload \(.*\): not all recorded: /);
      expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    } finally {
      await served.stop();
    }
  }, 30_000);
});
