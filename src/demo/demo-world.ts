/**
 * The demo's simulated internet: one real HTTPS server per observed service, each on its own loopback
 * address (127.0.1.N) and named (streaming.demo.test) in the demo's own authoritative name server on
 * loopback, answering `/health` with what the real propagation says its state is under the faults injected
 * now, and failing the way that fault's kind fails for real (demo-failure-modes.ts): SERVFAIL or silence
 * from the name server, blackholed or reset connections, the wrong certificate, 5xx, a slow answer.
 * A blind vantage is a source address (127.0.0.2 ...) whose connections every server resets, so the
 * watcher's own network failing looks, from the probes, just as it would for real. This file composes the
 * parts: the faults and true states (demo-faults.ts), the servers (demo-servers.ts), the name server
 * (demo-dns-server.ts) and the certificates (demo-pki.ts).
 */
import type { ComponentSpec, Status } from "../model/model-types.js";
import type { HttpCheck } from "../probe/check-types.js";
import type { ProbeContext } from "../probe/probe-context.js";
import { DEFAULT_PROBE_POLICY } from "../probe/target-guard.js";
import { type DnsServer, startDnsServer } from "./demo-dns-server.js";
import { failsAtDns } from "./demo-failure-modes.js";
import { type DemoFault, type DemoFaultInput, DemoFaults } from "./demo-faults.js";
import {
  DEMO_CHECK_TIMING,
  DEMO_VANTAGES,
  type DemoVantage,
  demoAddresses,
  demoCheck,
  demoComponents,
} from "./demo-model.js";
import { type DemoPki, makeDemoPki } from "./demo-pki.js";
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
  /**
   * The world before real failure modes: plain HTTP to IP addresses, every failure a quick 503, no name
   * server (default false).
   */
  simple?: boolean;
}

export interface DemoWorld {
  readonly components: ComponentSpec[];
  /** One HTTP check per observed service, with the URL its server actually listens on. */
  readonly checks: HttpCheck[];
  readonly vantages: readonly DemoVantage[];
  /** `host:port` of the world's name server (`probes.resolver` for its checks); undefined when simple. */
  readonly nameServer: string | undefined;
  /** PEM of the CA its HTTPS servers' certificates are signed by; undefined over HTTP. */
  readonly ca: string | undefined;
  /** What a check run against this world needs besides its deadline: its resolver and CA. */
  probeContext(): Pick<ProbeContext, "nameServer" | "policy">;
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
  readonly #simple: boolean;
  readonly #names: Map<string, string>;
  readonly #pki: DemoPki | null;
  #dns: DnsServer | undefined;
  #probeContext: Pick<ProbeContext, "nameServer" | "policy"> | undefined;

  constructor(options: DemoWorldOptions) {
    this.components = options.components ?? demoComponents();
    this.vantages = options.vantages ?? DEMO_VANTAGES;
    this.#simple = options.simple === true;
    this.#faults = new DemoFaults(this.components, this.vantages, options.seed ?? 20211207);
    this.#names = new Map([...demoAddresses(this.components).keys()].map((id) => [id, demoHostname(id)]));
    this.#pki = this.#simple ? null : makeDemoPki([...this.#names.values()]);
    this.#servers = new DemoServers(
      this.#faults,
      options.degradedDelayMs ?? DEMO_CHECK_TIMING.degradedOverMs + 500,
      this.#pki,
      this.#simple,
    );
  }

  get nameServer(): string | undefined {
    return this.#dns?.server;
  }

  get ca(): string | undefined {
    return this.#pki?.ca;
  }

  probeContext(): Pick<ProbeContext, "nameServer" | "policy"> {
    // One object for every run: the HTTP pools and the trusted-CA contexts are kept per policy object.
    this.#probeContext ??= {
      ...(this.nameServer ? { nameServer: this.nameServer } : {}),
      ...(this.ca ? { policy: { ...DEFAULT_PROBE_POLICY, ca: [this.ca] } } : {}),
    };
    return this.#probeContext;
  }

  async listen(port: number): Promise<void> {
    const addresses = demoAddresses(this.components);
    try {
      if (!this.#simple) {
        this.#dns = await startDnsServer();
        for (const [id, address] of addresses)
          this.#dns.zones.set(id, this.#names.get(id)!, { A: [address] });
      }
      const scheme = this.#servers.secure ? "https" : "http";
      await Promise.all(
        [...addresses].map(async ([id, address]) => {
          const actual = await this.#servers.listen(id, address, port);
          const host = this.#dns ? this.#names.get(id)! : address;
          this.checks.push(demoCheck(id, `${scheme}://${host}:${actual}/health`));
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
    this.#applyDns();
    return fault;
  }

  clear(id: string): boolean {
    const had = this.#faults.clear(id);
    this.#applyDns();
    return had;
  }

  /** Each service's name answers as its failure mode says: SERVFAIL, silence, or its address. */
  #applyDns(): void {
    if (!this.#dns) return;
    for (const id of this.#names.keys()) {
      const mode = this.#faults.modeOf(this.#faults.graph.index.get(id)!);
      this.#dns.zones.setMode(
        id,
        failsAtDns(mode) ? (mode === "dns-servfail" ? "servfail" : "drop") : "answer",
      );
    }
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

  async close(): Promise<void> {
    await Promise.all([this.#servers.close(), this.#dns?.close()]);
  }
}

/** The DNS name of a demo service: its id's parts reversed under .test (demo/streaming -> streaming.demo.test). */
export function demoHostname(id: string): string {
  const labels = id
    .toLowerCase()
    .split("/")
    .reverse()
    .map((part) => part.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "x");
  return `${labels.join(".")}.test`;
}
