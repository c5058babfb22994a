/**
 * The targets of bench:probes: tiny keep-alive HTTP responders on loopback addresses (127.0.0.0/8 only), run in
 * a child process so their CPU is not counted against the probers. `startTargets` forks this file; run as a
 * child it listens and reports its URLs over IPC.
 */
import { type ChildProcess, fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

export interface Targets {
  urls: string[];
  pid: number;
  stop: () => Promise<void>;
}

/** Forks the target servers: one per address 127.0.0.11, 127.0.0.12, ... */
export async function startTargets(count: number): Promise<Targets> {
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${11 + i}`);
  for (const a of addresses) if (!a.startsWith("127.")) throw new Error(`not a loopback address: ${a}`);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--serve", ...addresses], {
    stdio: "inherit",
  });
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { urls: string[] }).urls));
    child.once("exit", (code) => reject(new Error(`target servers exited with ${code}`)));
  });
  return {
    urls,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * A minimal HTTP/1.1 responder over raw TCP: every request (GET, no body) gets the same 200. Node's http
 * server would cost more CPU per request than the probers being measured; this keeps the targets from
 * being the bottleneck on a small machine.
 */
const RESPONSE = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\nok\n",
);
const END = Buffer.from("\r\n\r\n");

function respond(socket: net.Socket): void {
  let tail: Buffer = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on("data", (chunk: Buffer) => {
    const data = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    let from = 0;
    let answers = 0;
    for (let at = data.indexOf(END, from); at !== -1; at = data.indexOf(END, from)) {
      answers++;
      from = at + END.length;
    }
    tail = data.subarray(from);
    if (answers === 1) socket.write(RESPONSE);
    else if (answers > 1) socket.write(Buffer.concat(Array.from({ length: answers }, () => RESPONSE)));
  });
  socket.on("error", () => socket.destroy());
  // Idle connections are closed after 65 s, as the Keep-Alive header says.
  socket.setTimeout(65_000, () => socket.destroy());
}

async function serve(addresses: string[]): Promise<void> {
  const urls: string[] = [];
  for (const address of addresses) {
    const server = net.createServer(respond);
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    urls.push(`http://${address}:${(server.address() as net.AddressInfo).port}/health`);
  }
  process.send?.({ urls });
  process.on("SIGTERM", () => process.exit(0));
}

if (process.argv[2] === "--serve") void serve(process.argv.slice(3));
