/**
 * The demo world's HTTP servers: one per observed service, each on its own loopback address, answering
 * `/health` with the state the world's faults give it now (503 when down, late when degraded), and
 * resetting every connection from a blind vantage's source address. Split from the faults themselves
 * (demo-faults.ts), which know nothing of sockets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { DEGRADED, DOWN } from "../model/propagate.js";
import type { DemoFaults } from "./demo-faults.js";
import { DemoWorldError } from "./demo-world-error.js";

interface Listener {
  component: number;
  server: Server;
  sockets: Set<Socket>;
}

export class DemoServers {
  readonly #faults: DemoFaults;
  readonly #delayMs: number;
  readonly #listeners: Listener[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  /** `delayMs`: how long a degraded service takes to answer. */
  constructor(faults: DemoFaults, delayMs: number) {
    this.#faults = faults;
    this.#delayMs = delayMs;
  }

  /** Starts the server of component `id` on address:port; resolves the port actually bound. */
  async listen(id: string, address: string, port: number): Promise<number> {
    const listener = this.#serve(this.#faults.graph.index.get(id)!);
    this.#listeners.push(listener);
    return listenOn(listener.server, address, port);
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
        ({ server }) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  #isBlind(socket: Socket): boolean {
    return this.#faults.isBlind(plainAddress(socket.remoteAddress));
  }

  #serve(component: number): Listener {
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => this.#answer(component, req, res));
    server.on("connection", (socket: Socket) => {
      if (this.#isBlind(socket)) {
        socket.resetAndDestroy();
        return;
      }
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return { component, server, sockets };
  }

  #answer(component: number, req: IncomingMessage, res: ServerResponse): void {
    if (this.#isBlind(req.socket)) {
      req.socket.resetAndDestroy();
      return;
    }
    const id = this.#faults.graph.ids[component]!;
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health") {
      send(res, 404, { error: `not found; this demo service (${id}) answers GET /health` });
      return;
    }
    const state = this.#faults.stateOf(component);
    if (state === DOWN) {
      send(res, 503, { component: id, status: "down" });
    } else if (state === DEGRADED) {
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
      send(res, 200, { component: id, status: "ok" });
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
function listenOn(server: Server, address: string, port: number): Promise<number> {
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
