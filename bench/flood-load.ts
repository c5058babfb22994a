/**
 * Issue 8's flood, shared by test/hub-flood.test.ts and bench/flood-bench.ts: a config of 200 observed
 * components checked every 30 s from one remote vantage (≈ 7 observations/s configured), writers posting
 * batches for that vantage as fast as the hub takes them, a prober timing GET /healthz and GET
 * /api/v1/incidents, and the hub process's resident memory read from /proc. Observation `seq` is
 * deterministic (component seq % 200, time t0 + seq / 200), so a batch is named by its first seq and size.
 */
import { readFileSync } from "node:fs";
import type { Observation } from "../src/model/observation.js";

export const FLOOD_COMPONENTS = 200;
export const FLOOD_INTERVAL_S = 30;
/** The vantage the flood speaks for; the hub's own agent runs as another and checks nothing. */
export const FLOOD_VANTAGE = "probe/remote";
/** Observations per second the config asks for. */
export const CONFIGURED_RATE = FLOOD_COMPONENTS / FLOOD_INTERVAL_S;

/** epicenter.yaml: each component one http check (to a closed port, never run here) from FLOOD_VANTAGE. */
export function floodConfig(): string {
  const lines = ["catalog: false", `vantages: [probe/local, ${FLOOD_VANTAGE}]`, "components:"];
  for (let k = 0; k < FLOOD_COMPONENTS; k++)
    lines.push(
      `  - id: acme/svc-${k}`,
      "    observed: true",
      "    checks:",
      `      - http: http://127.0.0.1:9/svc-${k}`,
      `        interval: ${FLOOD_INTERVAL_S}s`,
      `        vantages: [${FLOOD_VANTAGE}]`,
    );
  return `${lines.join("\n")}\n`;
}

/** Observation number `seq` of a flood started at t0: the first ten components down, the rest up. */
export function floodObservation(seq: number, t0: number): Observation {
  const k = seq % FLOOD_COMPONENTS;
  const at = t0 + Math.floor(seq / FLOOD_COMPONENTS);
  const check = `acme/svc-${k}#1`;
  const down = k < 10;
  return {
    id: `${FLOOD_VANTAGE}:${check}:${at}`,
    at,
    vantage: FLOOD_VANTAGE,
    component: `acme/svc-${k}`,
    check,
    status: down ? "down" : "up",
    latencyMs: down ? null : 20 + (seq % 50),
    errorClass: down ? "connect-refused" : null,
  };
}

export function floodBody(first: number, size: number, t0: number): string {
  const observations: Observation[] = [];
  for (let i = 0; i < size; i++) observations.push(floodObservation(first + i, t0));
  return JSON.stringify({ observations });
}

export interface WriterReport {
  /** First seq of each batch answered 202. */
  acknowledged: number[];
  accepted: number;
  refused: number;
  /** Refusals (503) that carried Retry-After. */
  refusedWithRetryAfter: number;
  /** Anything but 202 or 503, or a failed request. */
  errors: string[];
}

export interface WriterOptions {
  url: string;
  token: string;
  t0: number;
  /** Writers in flight at once. */
  writers: number;
  batch: number;
  until: number;
  /** The seqs handed out: writer w takes batches w, w + writers, ... of this run's own range. */
  firstSeq?: number;
}

/** Posts batches until `until`, without pause: a misbehaving agent that ignores Retry-After. */
export async function flood(o: WriterOptions): Promise<WriterReport> {
  const report: WriterReport = {
    acknowledged: [],
    accepted: 0,
    refused: 0,
    refusedWithRetryAfter: 0,
    errors: [],
  };
  let next = o.firstSeq ?? 0;
  const headers = { authorization: `Bearer ${o.token}`, "content-type": "application/json" };
  const writer = async () => {
    while (Date.now() < o.until && report.errors.length < 10) {
      const first = next;
      next += o.batch;
      try {
        const res = await fetch(`${o.url}/api/v1/observations`, {
          method: "POST",
          headers,
          body: floodBody(first, o.batch, o.t0),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          report.acknowledged.push(first);
          report.accepted += o.batch;
        } else if (res.status === 503) {
          report.refused += o.batch;
          if (res.headers.get("retry-after")) report.refusedWithRetryAfter += o.batch;
        } else report.errors.push(`${res.status}: ${text.slice(0, 200)}`);
      } catch (error) {
        report.errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: o.writers }, writer));
  return report;
}

export interface ProbeReport {
  /** Milliseconds per answered probe, both paths together. */
  ms: number[];
  /** Probes not answered 200 in time: path, and the status or error. */
  failures: string[];
}

/** Every `everyMs`, GET /healthz and GET /api/v1/incidents (each its own request), until `until`. */
export async function probe(
  url: string,
  token: string,
  everyMs: number,
  until: number,
): Promise<ProbeReport> {
  const report: ProbeReport = { ms: [], failures: [] };
  const inFlight: Promise<void>[] = [];
  const one = async (path: string) => {
    const start = performance.now();
    try {
      const res = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      if (res.status === 200) report.ms.push(performance.now() - start);
      else report.failures.push(`${path}: ${res.status}`);
    } catch (error) {
      report.failures.push(`${path}: ${String(error)}`);
    }
  };
  while (Date.now() < until) {
    inFlight.push(one("/healthz"), one("/api/v1/incidents"));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  await Promise.all(inFlight);
  return report;
}

/** Samples a process's resident memory (VmRSS) every `everyMs`; `stop()` returns the peak in MB. */
export function watchRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // Gone: the caller sees the exit.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
