/**
 * Where the bus tests find NATS: EPICENTER_TEST_BUS_URL, else the development server (JetStream on
 * 127.0.0.1:4222); and `startNatsServer` for tests that need a server of their own (to stop, restart or
 * configure with users). Unreachable or missing: the tests skip with the reason, except under CI=true.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";

export const natsUrl = process.env.EPICENTER_TEST_BUS_URL ?? "nats://127.0.0.1:4222";
export const natsServerBinary = process.env.NATS_SERVER ?? "nats-server";

/** Names no other test run uses: `<prefix>_<time>_<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

function skipOrThrow(reason: string): string {
  if (process.env.CI === "true") throw new Error(`${reason} (CI=true requires it)`);
  return reason;
}

/** Null when the shared NATS answers with JetStream; otherwise why not (throws under CI=true). */
export async function natsUnreachable(): Promise<string | null> {
  try {
    const nc = await connect({ servers: natsUrl, timeout: 3000, reconnect: false });
    try {
      const info = nc.info;
      if (!info?.jetstream) return skipOrThrow(`NATS at ${natsUrl} runs without JetStream (-js)`);
      return null;
    } finally {
      await nc.close();
    }
  } catch (error) {
    return skipOrThrow(`NATS unreachable at ${natsUrl}: ${(error as Error).message}`);
  }
}

/** Null when a nats-server binary runs; otherwise why not (throws under CI=true). */
export function natsServerMissing(): string | null {
  try {
    execFileSync(natsServerBinary, ["--version"], { stdio: "pipe" });
    return null;
  } catch (error) {
    return skipOrThrow(`no nats-server binary (${natsServerBinary}): ${(error as Error).message}`);
  }
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Starts it (again) on the same port and store dir. */
  start(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Stops it and removes its store dir. */
  dispose(): Promise<void>;
}

/** A free loopback TCP port (bound and released; the server takes it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A nats-server with JetStream on a spare loopback port and its own store dir in a tmpdir; `config` is a
 * server config file's text (accounts, users), added to the command line.
 */
export async function startNatsServer(config?: string): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-nats-"));
  const port = await freePort();
  const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "store")];
  if (config) {
    writeFileSync(join(dir, "server.conf"), config);
    args.push("-c", join(dir, "server.conf"));
  }
  let proc: ChildProcess | null = null;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      if (proc) return;
      const child = spawn(natsServerBinary, args, { stdio: ["ignore", "ignore", "pipe"] });
      proc = child;
      let log = "";
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on("data", (d: Buffer) => {
          log += d;
          if (log.includes("Server is ready")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`nats-server exited (${code}): ${log}`)));
      });
    },
    async stop() {
      const child = proc;
      if (!child) return;
      proc = null;
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
