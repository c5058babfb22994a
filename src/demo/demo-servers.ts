/**
 * The demo world's servers: one per observed service, each on its own loopback address, speaking HTTPS
 * (HTTP without a demo PKI) and failing the way its failure mode says (demo-failure-modes.ts): connections
 * blackholed or reset at the door, the wrong certificate in the handshake, a 5xx, or a late answer.
 * Every connection from a blind vantage's source address is reset. Each service's listener is a plain TCP
 * door that decides per connection, and hands the ones it lets in to an HTTP(S) server that never listens
 * itself. Split from the faults (demo-faults.ts), which know nothing of sockets.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { FailureMode } from "./demo-failure-modes.js";
import type { DemoFaults } from "./demo-faults.js";
import type { DemoPki } from "./demo-pki.js";
import { DemoWorldError } from "./demo-world-error.js";

interface Listener {
  door: net.Server;
  inner: net.Server;
  sockets: Set<net.Socket>;
}

const HTTP_STATUS: Partial<Record<FailureMode, number>> = { "http-500": 500, "http-502": 502 };

export class DemoServers {
  readonly #faults: DemoFaults;
  readonly #delayMs: number;
  readonly #pki: DemoPki | null;
  readonly #contexts: Record<"valid" | "expired" | "wrongName", tls.SecureContext> | undefined;
  readonly #listeners: Listener[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  readonly #simple: boolean;

  /**
   * `delayMs`: how long a degraded service takes to answer; `pki`: HTTPS with these certificates, else HTTP;
   * `simple`: every failure a quick 503 (degraded still slow), as before real failure modes.
   */
  constructor(faults: DemoFaults, delayMs: number, pki: DemoPki | null = null, simple = false) {
    this.#faults = faults;
    this.#delayMs = delayMs;
    this.#pki = pki;
    this.#simple = simple;
    this.#contexts = pki
      ? {
          valid: tls.createSecureContext(pki.valid),
          expired: tls.createSecureContext(pki.expired),
          wrongName: tls.createSecureContext(pki.wrongName),
        }
      : undefined;
  }

  get secure(): boolean {
    return this.#pki !== null;
  }

  /** Starts the server of component `id` on address:port; resolves the port actually bound. */
  async listen(id: string, address: string, port: number): Promise<number> {
    const listener = this.#serve(this.#faults.graph.index.get(id)!);
    this.#listeners.push(listener);
    return listenOn(listener.door, address, port);
  }

  /** Resets every connection open from `address` (a vantage that just went blind). */
  dropConnectionsFrom(address: string): void {
    for (const { sockets } of this.#listeners)
      for (const socket of sockets)
        if (plainAddress(socket.remoteAddress) === address) socket.resetAndDestroy();
  }

  /** Stops every server and drops their connections. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(
      this.#listeners.map(
        ({ door, sockets }) =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.destroy();
            if (!door.listening) return resolve();
            door.close(() => resolve());
          }),
      ),
    );
  }

  #serve(component: number): Listener {
    const sockets = new Set<net.Socket>();
    const answer = (req: IncomingMessage, res: ServerResponse) => this.#answer(component, req, res);
    const contexts = this.#contexts;
    const inner = contexts
      ? createHttpsServer(
          {
            ...this.#pki!.valid,
            // The certificate is chosen per handshake: a certificate fault serves another one.
            SNICallback: (_name, done) => {
              const mode = this.#modeOf(component);
              done(
                null,
                mode === "expired-certificate"
                  ? contexts.expired
                  : mode === "wrong-name-certificate"
                    ? contexts.wrongName
                    : contexts.valid,
              );
            },
          },
          answer,
        )
      : createHttpServer(answer);
    const door = net.createServer((socket) => {
      if (this.#faults.isBlind(plainAddress(socket.remoteAddress))) return socket.resetAndDestroy();
      const mode = this.#modeOf(component);
      if (mode === "reset") return socket.resetAndDestroy();
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
      // Blackholed: held open, never read, never answered, until the prober gives up.
      if (mode === "blackhole") return;
      inner.emit("connection", socket);
    });
    return { door, inner, sockets };
  }

  #modeOf(component: number): FailureMode | undefined {
    const mode = this.#faults.modeOf(component);
    return this.#simple && mode !== undefined && mode !== "slow" ? "http-503" : mode;
  }

  #answer(component: number, req: IncomingMessage, res: ServerResponse): void {
    if (this.#faults.isBlind(plainAddress(req.socket.remoteAddress))) {
      req.socket.resetAndDestroy();
      return;
    }
    const id = this.#faults.graph.ids[component]!;
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health") {
      send(res, 404, { error: `not found; this demo service (${id}) answers GET /health` });
      return;
    }
    const mode = this.#modeOf(component);
    if (mode === undefined) {
      send(res, 200, { component: id, status: "ok" });
    } else if (mode === "slow") {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        send(res, 200, { component: id, status: "degraded" });
      }, this.#delayMs);
      this.#timers.add(timer);
      res.on("close", () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
      });
    } else {
      // 503 also for a request that got through a failure meant for DNS, the door or the handshake.
      send(res, HTTP_STATUS[mode] ?? 503, { component: id, status: "down" });
    }
  }
}

/** The IPv4 form of an address a dual-stack socket may report as `::ffff:a.b.c.d`. */
function plainAddress(address: string | undefined): string {
  return address?.startsWith("::ffff:") ? address.slice(7) : (address ?? "");
}

function send(res: ServerResponse, code: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(code, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Listens on address:port; resolves the port actually bound. */
function listenOn(server: net.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRNOTAVAIL")
        reject(
          new DemoWorldError(
            "loopback-unavailable",
            `cannot listen on ${address}: the demo needs every 127.0.x.y address on the loopback interface ` +
              `(Linux has them; on macOS add them with "sudo ifconfig lo0 alias ${address} up")`,
            { cause: error },
          ),
        );
      else if (error.code === "EADDRINUSE")
        reject(
          new DemoWorldError("port-in-use", `${address}:${port} is in use; choose another port or 0`, {
            cause: error,
          }),
        );
      else reject(error);
    };
    server.once("error", onError);
    server.listen(port, address, () => {
      server.off("error", onError);
      const bound = server.address();
      resolve(typeof bound === "object" && bound ? bound.port : port);
    });
  });
}
