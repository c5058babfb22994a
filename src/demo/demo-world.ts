/**
 * The demo's simulated internet: one real HTTP server per observed service, each on its own loopback address
 * (127.0.1.N), answering `/health` with what the real propagation says its state is under the faults injected
 * now. A blind vantage is a source address (127.0.0.2 ...) whose connections every server resets, so the
 * watcher's own network failing looks, from the probes, just as it would for real. This file composes the
 * two parts: the faults and true states (demo-faults.ts) and the servers (demo-servers.ts).
 */
import type { ComponentSpec, Status } from "../model/model-types.js";
import type { HttpCheck } from "../probe/check-types.js";
import { type DemoFault, type DemoFaultInput, DemoFaults } from "./demo-faults.js";
import {
  DEMO_CHECK_TIMING,
  DEMO_VANTAGES,
  type DemoVantage,
  demoAddresses,
  demoCheck,
  demoComponents,
} from "./demo-model.js";
import { DemoServers } from "./demo-servers.js";

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
  readonly #faults: DemoFaults;
  readonly #servers: DemoServers;

  constructor(options: DemoWorldOptions) {
    this.components = options.components ?? demoComponents();
    this.vantages = options.vantages ?? DEMO_VANTAGES;
    this.#faults = new DemoFaults(this.components, this.vantages, options.seed ?? 20211207);
    this.#servers = new DemoServers(
      this.#faults,
      options.degradedDelayMs ?? DEMO_CHECK_TIMING.degradedOverMs + 500,
    );
  }

  async listen(port: number): Promise<void> {
    const addresses = demoAddresses(this.components);
    try {
      await Promise.all(
        [...addresses].map(async ([id, address]) => {
          const actual = await this.#servers.listen(id, address, port);
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
    const fault = this.#faults.inject(input);
    if (fault.target === "vantage") this.#servers.dropConnectionsFrom(this.#faults.addressOf(fault.id)!);
    return fault;
  }

  clear(id: string): boolean {
    return this.#faults.clear(id);
  }

  faults(): DemoFault[] {
    return this.#faults.faults();
  }

  status(id: string): Status {
    return this.#faults.status(id);
  }

  impact(): { down: string[]; degraded: string[] } {
    return this.#faults.impact();
  }

  close(): Promise<void> {
    return this.#servers.close();
  }
}
