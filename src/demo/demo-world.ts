/**
 * The demo's simulated internet: one real HTTP server per observed service, each on its own loopback address
 * (127.0.1.N), answering `/health` with what the real propagation says its state is under the faults injected
 * now. A blind vantage is a source address (127.0.0.2 ...) whose connections every server resets, so the
 * watcher's own network failing looks, from the probes, just as it would for real.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { compileGraph, type Graph } from "../model/graph.js";
import { closestId } from "../model/ids.js";
import type { ComponentSpec, Status } from "../model/model-types.js";
import { DEGRADED, DOWN, propagateAll, STATUS_NAMES } from "../model/propagate.js";
import type { HttpCheck } from "../probe/check-types.js";
import type { Fault } from "../simulate/scenario-types.js";
import { faultSet } from "../simulate/truth.js";
import {
  DEMO_CHECK_TIMING,
  DEMO_VANTAGES,
  type DemoVantage,
  demoAddresses,
  demoCheck,
  demoComponents,
} from "./demo-model.js";

/** A fault as injected: a component failing (down or degraded, on all or part of its dependents) or a vantage going blind. */
export interface DemoFault {
  id: string;
  target: "component" | "vantage";
  state: "down" | "degraded";
  /** Share of the component's direct dependents hit (scenario.md "Partial impact"); 1 for vantages. */
  impact: number;
}

export interface DemoFaultInput {
  id: string;
  state?: "down" | "degraded";
  impact?: number;
}

export type DemoWorldErrorCode = "unknown-target" | "bad-fault" | "loopback-unavailable" | "port-in-use";

export class DemoWorldError extends Error {
  override readonly name = "DemoWorldError";
  constructor(
    readonly code: DemoWorldErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DemoWorldOptions {
  /** The world's model (default: `demoComponents()`); each observed component gets a server. */
  components?: ComponentSpec[];
  vantages?: readonly DemoVantage[];
  /** Port every server listens on, each on its own address; 0 (default) takes a free one per server. */
  port?: number;
  /** How long a degraded service takes to answer; above the checks' degradedOverMs (default 1.5 s). */
  degradedDelayMs?: number;
  /** Seed of the partial-impact hash (which dependents a partial fault strikes). */
  seed?: number;
}

export interface DemoWorld {
  readonly components: ComponentSpec[];
  /** One HTTP check per observed service, with the URL its server actually listens on. */
  readonly checks: HttpCheck[];
  readonly vantages: readonly DemoVantage[];
  /** Fails a component or blinds a vantage (replacing an earlier fault on the same id); throws DemoWorldError. */
  inject(fault: DemoFaultInput): DemoFault;
  /** Ends the fault on `id`; false when there was none. */
  clear(id: string): boolean;
  faults(): DemoFault[];
  /** The true state of a component now. */
  status(id: string): Status;
  /** Observed services impaired now (the truth the localizer should explain), ids sorted. */
  impact(): { down: string[]; degraded: string[] };
  /** Stops every server and drops their connections. */
  close(): Promise<void>;
}

interface Listener {
  component: number;
  server: Server;
  sockets: Set<Socket>;
}

/** Starts the world's servers; resolves once every one is listening. */
export async function startDemoWorld(options: DemoWorldOptions = {}): Promise<DemoWorld> {
  const world = new LoopbackWorld(options);
  await world.listen(options.port ?? 0);
  return world;
}

class LoopbackWorld implements DemoWorld {
  readonly components: ComponentSpec[];
  readonly checks: HttpCheck[] = [];
  readonly vantages: readonly DemoVantage[];
  readonly #graph: Graph;
  readonly #seed: number;
  readonly #delayMs: number;
  readonly #faults = new Map<string, Fault & { target: DemoFault["target"] }>();
  readonly #blind = new Set<string>();
  readonly #listeners: Listener[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #status: Uint8Array;
  #faultCount = 0;

  constructor(options: DemoWorldOptions) {
    this.components = options.components ?? demoComponents();
    this.vantages = options.vantages ?? DEMO_VANTAGES;
    this.#graph = compileGraph({ components: this.components }, { includeHidden: true });
    this.#seed = options.seed ?? 20211207;
    this.#delayMs = options.degradedDelayMs ?? DEMO_CHECK_TIMING.degradedOverMs + 500;
    this.#status = propagateAll(this.#graph, { state: new Uint8Array(this.#graph.size) });
  }

  async listen(port: number): Promise<void> {
    const addresses = demoAddresses(this.components);
    try {
      await Promise.all(
        [...addresses].map(async ([id, address]) => {
          const listener = this.#serve(this.#graph.index.get(id)!);
          this.#listeners.push(listener);
          const actual = await listenOn(listener.server, address, port);
          this.checks.push(demoCheck(id, `http://${address}:${actual}/health`));
        }),
      );
    } catch (error) {
      await this.close();
      throw error;
    }
    const order = new Map([...addresses.keys()].map((id, i) => [id, i]));
    this.checks.sort((a, b) => order.get(a.component)! - order.get(b.component)!);
  }

  inject(input: DemoFaultInput): DemoFault {
    const vantage = this.vantages.find((v) => v.id === input.id);
    if (!vantage && !this.#graph.index.has(input.id)) {
      const hint = closestId(input.id, [...this.#graph.ids, ...this.vantages.map((v) => v.id)]);
      throw new DemoWorldError(
        "unknown-target",
        `no component or vantage "${input.id}" in the demo world${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    }
    const impact = input.impact ?? 1;
    if (!(impact > 0 && impact <= 1))
      throw new DemoWorldError("bad-fault", `impact ${impact} of ${input.id} must be above 0 and at most 1`);
    const fault = {
      index: this.#faultCount++,
      target: vantage ? ("vantage" as const) : ("component" as const),
      id: input.id,
      at: 0,
      end: Number.POSITIVE_INFINITY,
      state: vantage ? ("down" as const) : (input.state ?? "down"),
      impact: vantage ? 1 : impact,
    };
    this.#faults.set(fault.id, fault);
    this.#apply();
    if (vantage) this.#dropConnectionsFrom(vantage.localAddress);
    return publicFault(fault);
  }

  clear(id: string): boolean {
    const had = this.#faults.delete(id);
    if (had) this.#apply();
    return had;
  }

  faults(): DemoFault[] {
    return [...this.#faults.values()].map(publicFault);
  }

  status(id: string): Status {
    const c = this.#graph.index.get(id);
    if (c === undefined) throw new DemoWorldError("unknown-target", `no component "${id}" in the demo world`);
    return STATUS_NAMES[this.#status[c]!]!;
  }

  impact(): { down: string[]; degraded: string[] } {
    const down: string[] = [];
    const degraded: string[] = [];
    const g = this.#graph;
    for (let c = 0; c < g.size; c++) {
      if (!g.observed[c]) continue;
      if (this.#status[c] === DOWN) down.push(g.ids[c]!);
      else if (this.#status[c] === DEGRADED) degraded.push(g.ids[c]!);
    }
    return { down: down.sort(), degraded: degraded.sort() };
  }

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

  /** Recomputes every state and the set of blind source addresses from the faults held now. */
  #apply(): void {
    const all = [...this.#faults.values()];
    const components = all.filter((f) => f.target === "component");
    this.#status = propagateAll(this.#graph, faultSet(this.#graph, this.#seed, components));
    this.#blind.clear();
    for (const f of all)
      if (f.target === "vantage") this.#blind.add(this.vantages.find((v) => v.id === f.id)!.localAddress);
  }

  #isBlind(socket: Socket): boolean {
    return this.#blind.size > 0 && this.#blind.has(plainAddress(socket.remoteAddress));
  }

  #dropConnectionsFrom(address: string): void {
    for (const { sockets } of this.#listeners)
      for (const socket of sockets)
        if (plainAddress(socket.remoteAddress) === address) socket.resetAndDestroy();
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
    const id = this.#graph.ids[component]!;
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health") {
      send(res, 404, { error: `not found; this demo service (${id}) answers GET /health` });
      return;
    }
    const state = this.#status[component]!;
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

function publicFault(f: Fault & { target: DemoFault["target"] }): DemoFault {
  return { id: f.id, target: f.target, state: f.state, impact: f.impact };
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
