/**
 * The HTTPS targets of bench:probes: one TLS listener per loopback address (127.0.0.41, 127.0.0.42, ...) in a
 * child process, so their CPU is not counted against the probers, with a CA and one leaf naming every address
 * (IP SANs) made by this module with the openssl CLI. `startTlsTargets` forks this file; run as a child it
 * listens and reports its URLs over IPC. The CA is also written to a file, for blackbox_exporter's ca_file.
 */
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";

export interface TlsTargets {
  urls: string[];
  /** The CA's certificate, PEM, and the file holding it. */
  ca: string;
  caFile: string;
  stop: () => Promise<void>;
}

interface Pki {
  ca: string;
  caFile: string;
  key: string;
  cert: string;
}

/** A CA and one leaf naming every target address, made with openssl in a temporary directory. */
function makeTlsPki(addresses: string[]): Pki {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-bench-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA");
  ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=bench target");
  const san = addresses.map((a) => `IP:${a}`).join(",");
  writeFileSync(join(dir, "leaf.ext"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  const sign = ["-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"];
  ssl("x509", ...sign, "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext");
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { ca: read("ca.pem"), caFile: join(dir, "ca.pem"), key: read("leaf.key"), cert: read("leaf.pem") };
}

const RESPONSE = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n",
);

/** The child: one TLS listener per address answering every request head with one 200. */
async function serve(addresses: string[]): Promise<void> {
  const key = process.env.BENCH_TLS_KEY ?? "";
  const cert = process.env.BENCH_TLS_CERT ?? "";
  const urls: string[] = [];
  for (const address of addresses) {
    const server = tls.createServer({ key, cert }, (socket) => {
      let tail = "";
      socket.on("data", (chunk: Buffer) => {
        const parts = (tail + chunk.toString("latin1")).split("\r\n\r\n");
        tail = parts.pop() ?? "";
        for (let n = 0; n < parts.length; n++) socket.write(RESPONSE);
      });
      socket.on("error", () => socket.destroy());
      socket.setTimeout(65_000, () => socket.destroy());
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    urls.push(`https://${address}:${(server.address() as net.AddressInfo).port}/health`);
  }
  process.send?.({ urls });
  process.on("SIGTERM", () => process.exit(0));
}

/** Forks this file as `count` TLS targets on 127.0.0.41 onwards. */
export async function startTlsTargets(count: number): Promise<TlsTargets> {
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${41 + i}`);
  const pki = makeTlsPki(addresses);
  const child = fork(fileURLToPath(import.meta.url), ["--serve-tls", ...addresses], {
    stdio: "inherit",
    env: { ...process.env, BENCH_TLS_KEY: pki.key, BENCH_TLS_CERT: pki.cert },
  });
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { urls: string[] }).urls));
    child.once("exit", (code) => reject(new Error(`TLS target servers exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { urls, ca: pki.ca, caFile: pki.caFile, stop };
}

if (process.argv[2] === "--serve-tls") void serve(process.argv.slice(3));
