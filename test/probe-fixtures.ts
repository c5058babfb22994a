/** Real local servers for the probe tests: a test PKI made with openssl, HTTP(S), DNS (dns2), TCP, UDP. */
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dns2 from "dns2";

/** The fields every check shares, for tests that build checks by hand. */
export function checkBase(component = "acme/api") {
  return { id: `${component}#1`, component, intervalMs: 30_000, timeoutMs: 5_000, vantages: [], confirm: 0 };
}

/** A context with a fresh signal and the given extras. */
export function probeCtx<T extends object>(extra?: T): { signal: AbortSignal } & T {
  return { signal: new AbortController().signal, ...(extra as T) };
}

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestPki {
  ca: string;
  /** localhost and 127.0.0.1, valid 30 days. */
  leaf: KeyPair;
  /** Valid for 1 day: under any sensible expiry threshold. */
  shortLived: KeyPair;
  /** notAfter before notBefore: expired. */
  expired: KeyPair;
  /** Names only other.example. */
  wrongHost: KeyPair;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A CA and leaves signed by it, made with the openssl CLI in a temporary directory. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/CN=Epicenter Test CA",
  );
  ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
  const leaf = (name: string, days: string, san: string): KeyPair => {
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
    );
    ssl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      days,
      "-extfile",
      `${name}.ext`,
    );
    return {
      key: readFileSync(join(dir, "leaf.key"), "utf8"),
      cert: readFileSync(join(dir, `${name}.pem`), "utf8"),
    };
  };
  const local = "DNS:localhost,IP:127.0.0.1";
  return {
    ca: readFileSync(join(dir, "ca.pem"), "utf8"),
    leaf: leaf("leaf", "30", local),
    shortLived: leaf("short", "1", local),
    expired: leaf("expired", "-1", local),
    wrongHost: leaf("wrong", "30", "DNS:other.example"),
  };
}

const connections = new WeakMap<net.Server, Set<net.Socket>>();

/** Starts listening on 127.0.0.1, port chosen by the system; returns the port. Connections are tracked for close. */
export async function listen(server: net.Server): Promise<number> {
  const open = new Set<net.Socket>();
  connections.set(server, open);
  server.on("connection", (socket: net.Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes a server and every connection still open on it (test servers do not read what they do not need). */
export function close(server: net.Server): Promise<void> {
  for (const socket of connections.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function httpServer(handler: Handler): http.Server {
  return http.createServer(handler);
}

export function httpsServer(pair: KeyPair, handler: Handler): https.Server {
  return https.createServer({ key: pair.key, cert: pair.cert }, handler);
}

export type ZoneEntry =
  | { A?: string[]; AAAA?: string[]; TXT?: string[]; MX?: [number, string][] }
  | { rcode: "SERVFAIL" | "NXDOMAIN" };

const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

/** A dns2 UDP server answering from `zone`; unknown names are NXDOMAIN. Returns `127.0.0.1:port`. */
export async function dnsServer(
  zone: Record<string, ZoneEntry>,
): Promise<{ server: string; close: () => void }> {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      // dns2's types want Resource instances; its encoder takes plain records, as its README shows.
      const answers = response.answers as unknown as object[];
      const question = request.questions[0]!;
      const entry = zone[question.name.toLowerCase()];
      if (!entry) response.header.rcode = RCODE.NXDOMAIN;
      else if ("rcode" in entry) response.header.rcode = RCODE[entry.rcode];
      else {
        const base = { name: question.name, class: Packet.CLASS.IN, ttl: 60 };
        if (question.type === Packet.TYPE.A)
          for (const address of entry.A ?? []) answers.push({ ...base, type: Packet.TYPE.A, address });
        if (question.type === Packet.TYPE.AAAA)
          for (const address of entry.AAAA ?? []) answers.push({ ...base, type: Packet.TYPE.AAAA, address });
        if (question.type === Packet.TYPE.TXT)
          for (const data of entry.TXT ?? []) answers.push({ ...base, type: Packet.TYPE.TXT, data });
        if (question.type === Packet.TYPE.MX)
          for (const [priority, exchange] of entry.MX ?? [])
            answers.push({ ...base, type: Packet.TYPE.MX, priority, exchange });
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  return { server: `127.0.0.1:${(addresses as { udp: AddressInfo }).udp.port}`, close: () => server.close() };
}

/** A UDP socket that reads queries and never answers: a name server that times out. */
export async function silentUdp(): Promise<{ server: string; close: () => void }> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", () => {});
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { server: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}

/** A TCP server on 127.0.0.1 that accepts connections and never reads or answers: a blackholed target. */
export async function silentTcp(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.on("error", () => {}));
  const port = await listen(server);
  return { port, close: () => close(server) };
}

/** A port on 127.0.0.1 nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await close(server);
  return port;
}
