/** The context every check runner takes; its own file so run-check.ts and the runners do not import each other. */
import type { CheckContext } from "./check-types.js";
import type { HostResolver } from "./guarded-connect.js";
import type { HttpAgents } from "./http-agent.js";
import type { ProbePolicy } from "./target-guard.js";

/** What runners get: the deadline and source address, the probe policy, and (tests, custom setups) a resolver. */
export interface ProbeContext extends CheckContext {
  /** Where probes may connect; the secure default when absent. */
  policy?: ProbePolicy;
  /** How names are resolved before the guard judges them; the system's resolver when absent. */
  resolver?: HostResolver;
  /**
   * `host:port` of the DNS server to ask instead of the system's resolver (`probes.resolver`), for HTTP, TLS
   * and DNS checks alike; `resolver` wins when both are given.
   */
  nameServer?: string;
  /** The runner's HTTP pools (its own, closed when it stops); the shared ones when absent. */
  http?: HttpAgents;
}
