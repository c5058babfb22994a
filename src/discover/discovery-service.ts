/**
 * Discovery as a service the hub's API calls: the bundled snapshot's ranges and patterns, the catalog's ids,
 * the system's resolver, and certificate reads that go through the probes' target guard (an API caller must
 * not make the hub connect to a metadata or link-local address by naming a domain that resolves there).
 */
import { catalogComponents } from "../catalog/catalog-data.js";
import { DEFAULT_PROBE_POLICY, guardAddress, type ProbePolicy } from "../probe/target-guard.js";
import type { ClassifyContext } from "./classify-domain.js";
import { discoverMany } from "./discover-domain.js";
import { assembleOutput } from "./discovery-model.js";
import type { DiscoveryOutput } from "./discovery-types.js";
import type { DnsLookup } from "./dns-lookup.js";
import { nodeDnsLookup } from "./node-dns-lookup.js";
import { RangeTable } from "./range-snapshot.js";
import { chooseSnapshotPath, readSnapshot } from "./snapshot-file.js";
import { inspectTls, type TlsInspector } from "./tls-inspect.js";

export interface DiscoveryRequest {
  domains: string[];
  hosts?: string[];
  depth?: number;
}

export interface DiscoveryService {
  discover(request: DiscoveryRequest): Promise<DiscoveryOutput>;
}

/** The classification context: the snapshot's ranges and patterns, and the catalog's ids. */
export function discoveryContext(cwd: string, snapshotFile?: string): ClassifyContext {
  const snapshot = readSnapshot(chooseSnapshotPath(cwd, snapshotFile));
  return {
    ranges: new RangeTable(snapshot.sources),
    patterns: snapshot.patterns,
    catalog: new Set(catalogComponents().map((c) => c.id)),
  };
}

/**
 * A certificate reader that refuses what the probe policy refuses. A function is asked at each read, so a
 * hub whose config reloads its `probes:` applies the new policy to discovery as to its probes.
 */
export function guardedTls(
  policy: ProbePolicy | (() => ProbePolicy),
  inspect: TlsInspector = inspectTls,
): TlsInspector {
  return (host, address, options) => {
    const decision = guardAddress(address, typeof policy === "function" ? policy() : policy);
    if (!decision.allowed)
      return Promise.reject(new Error(`refused by the target guard: ${decision.reason}`));
    return inspect(host, address, options);
  };
}

export interface DiscoveryServiceOptions {
  dns?: DnsLookup;
  tls?: TlsInspector | null;
  /** The probes' policy (the config's `probes:`; a function for one that follows reloads); default the guard's. */
  policy?: ProbePolicy | (() => ProbePolicy);
  cwd?: string;
  timeoutMs?: number;
}

export function discoveryService(options: DiscoveryServiceOptions = {}): DiscoveryService {
  let context: ClassifyContext | undefined;
  const timeoutMs = options.timeoutMs ?? 3000;
  const dns = options.dns ?? nodeDnsLookup({ timeoutMs });
  const tls =
    options.tls === null ? undefined : guardedTls(options.policy ?? DEFAULT_PROBE_POLICY, options.tls);
  return {
    async discover(request) {
      context ??= discoveryContext(options.cwd ?? process.cwd());
      const results = await discoverMany(request.domains, {
        dns,
        context,
        ...(tls ? { tls, tlsTimeoutMs: timeoutMs } : {}),
        hosts: request.hosts ?? [],
        depth: request.depth ?? 1,
        concurrency: 8,
      });
      return assembleOutput(results.flat(), catalogComponents());
    },
  };
}
