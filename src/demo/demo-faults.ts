/**
 * What is failing in the demo world now: the faults injected (a component down or degraded on all or part of
 * its dependents, or a vantage gone blind) and every component's true state under them, by the real
 * propagation. Split from the servers that answer with these states (demo-servers.ts). Pure.
 */
import { compileGraph, type Graph } from "../model/graph.js";
import { closestId } from "../model/ids.js";
import type { ComponentSpec, Status } from "../model/model-types.js";
import { DEGRADED, DOWN, propagateAll, STATUS_NAMES } from "../model/propagate.js";
import type { Fault } from "../simulate/scenario-types.js";
import { faultSet } from "../simulate/truth.js";
import { type FailureMode, failureMode } from "./demo-failure-modes.js";
import type { DemoVantage } from "./demo-model.js";
import { DemoWorldError } from "./demo-world-error.js";

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

export class DemoFaults {
  readonly graph: Graph;
  readonly #vantages: readonly DemoVantage[];
  readonly #seed: number;
  readonly #faults = new Map<string, Fault & { target: DemoFault["target"] }>();
  readonly #blind = new Set<string>();
  #status: Uint8Array;
  #faultCount = 0;
  /** The kind of the component fault injected last: what the impaired services' failures look like. */
  #causeKind: string | undefined;

  /** `seed`: of the partial-impact hash (which dependents a partial fault strikes). */
  constructor(components: ComponentSpec[], vantages: readonly DemoVantage[], seed: number) {
    this.graph = compileGraph({ components }, { includeHidden: true });
    this.#vantages = vantages;
    this.#seed = seed;
    this.#status = propagateAll(this.graph, { state: new Uint8Array(this.graph.size) });
  }

  /** Fails a component or blinds a vantage (replacing an earlier fault on the same id); throws DemoWorldError. */
  inject(input: DemoFaultInput): DemoFault {
    const vantage = this.#vantages.find((v) => v.id === input.id);
    if (!vantage && !this.graph.index.has(input.id)) {
      const hint = closestId(input.id, [...this.graph.ids, ...this.#vantages.map((v) => v.id)]);
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
    return publicFault(fault);
  }

  /** Ends the fault on `id`; false when there was none. */
  clear(id: string): boolean {
    const had = this.#faults.delete(id);
    if (had) this.#apply();
    return had;
  }

  faults(): DemoFault[] {
    return [...this.#faults.values()].map(publicFault);
  }

  /** The source address a vantage's probes connect from. */
  addressOf(vantage: string): string | undefined {
    return this.#vantages.find((v) => v.id === vantage)?.localAddress;
  }

  /** Whether connections from `address` are reset (a blind vantage's). */
  isBlind(address: string): boolean {
    return this.#blind.size > 0 && this.#blind.has(address);
  }

  /** The true state of component c (graph index) now. */
  stateOf(c: number): number {
    return this.#status[c]!;
  }

  /**
   * How component c (graph index) fails now (demo-failure-modes.ts), picked by the kind of the latest
   * component fault; undefined while it is up.
   */
  modeOf(c: number): FailureMode | undefined {
    const state = this.#status[c];
    if (state !== DOWN && state !== DEGRADED) return undefined;
    return failureMode(this.#causeKind, state === DOWN ? "down" : "degraded", c);
  }

  /** The true state of a component now. */
  status(id: string): Status {
    const c = this.graph.index.get(id);
    if (c === undefined) throw new DemoWorldError("unknown-target", `no component "${id}" in the demo world`);
    return STATUS_NAMES[this.#status[c]!]!;
  }

  /** Observed services impaired now (the truth the localizer should explain), ids sorted. */
  impact(): { down: string[]; degraded: string[] } {
    const down: string[] = [];
    const degraded: string[] = [];
    const g = this.graph;
    for (let c = 0; c < g.size; c++) {
      if (!g.observed[c]) continue;
      if (this.#status[c] === DOWN) down.push(g.ids[c]!);
      else if (this.#status[c] === DEGRADED) degraded.push(g.ids[c]!);
    }
    return { down: down.sort(), degraded: degraded.sort() };
  }

  /** Recomputes every state and the set of blind source addresses from the faults held now. */
  #apply(): void {
    const all = [...this.#faults.values()];
    const components = all.filter((f) => f.target === "component");
    this.#status = propagateAll(this.graph, faultSet(this.graph, this.#seed, components));
    const latest = components.at(-1);
    this.#causeKind = latest ? this.graph.kind[this.graph.index.get(latest.id)!] : undefined;
    this.#blind.clear();
    for (const f of all)
      if (f.target === "vantage") this.#blind.add(this.#vantages.find((v) => v.id === f.id)!.localAddress);
  }
}

function publicFault(f: Fault & { target: DemoFault["target"] }): DemoFault {
  return { id: f.id, target: f.target, state: f.state, impact: f.impact };
}
