/**
 * Checks after config validation: what each check type needs, in one normalised shape the scheduler, the
 * runners and the store share. Durations are milliseconds here (the YAML takes "30s", "1m").
 */

import type { Status } from "../model/model-types.js";
import type { ErrorClass, Phases } from "../model/observation.js";

interface CheckBase {
  /** `<component>#<n>` (n from 1 in file order) unless the config names it. */
  id: string;
  component: string;
  intervalMs: number;
  timeoutMs: number;
  /** Vantages that run this check; empty means every vantage. */
  vantages: string[];
  /** Quick confirmation retries before a `down` is reported (0 reports the first failure). */
  confirm: number;
}

export interface HttpCheck extends CheckBase {
  type: "http";
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Accepted status ranges, inclusive: "200-399" is [[200, 399]]. */
  expectStatus: [number, number][];
  bodyContains?: string;
  bodyRegex?: string;
  /** A dotted JSON path ("data.status", "items.0.ok") and the value it must equal. */
  jsonPath?: { path: string; equals: unknown };
  /** Above this total latency the result is `degraded`. */
  degradedOverMs?: number;
  followRedirects: boolean;
  maxRedirects: number;
  tlsVerify: boolean;
  /**
   * Keep the connection open for the next run (keep-alive) instead of resolving, connecting and handshaking
   * anew each run; absent is false. Set only when true, so a check written before it reads the same.
   */
  reuse?: boolean;
}

export interface TcpCheck extends CheckBase {
  type: "tcp";
  host: string;
  port: number;
  expectBanner?: string;
}

export interface DnsCheck extends CheckBase {
  type: "dns";
  name: string;
  recordType: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "TXT" | "SOA";
  /** `host:port` of the resolver to ask; the system's resolvers when absent. */
  server?: string;
  expect: { exact?: string[]; contains?: string } | "non-empty";
}

export interface TlsCheck extends CheckBase {
  type: "tls";
  host: string;
  port: number;
  servername?: string;
  /** Fewer days than this to expiry is `degraded`. */
  degradedUnderDays: number;
}

export interface HeartbeatCheck extends CheckBase {
  type: "heartbeat";
  /** The job calls POST/GET /api/v1/heartbeats/<token>; the secret is the URL itself. */
  token: string;
  /** A beat missing for intervalMs + graceMs is `down` (error class `missed`). */
  graceMs: number;
}

export interface StatuspageCheck extends CheckBase {
  type: "statuspage";
  url: string;
  /**
   * `auto` reads the format from the body; `feed` is the older name of `rss`. Cloud feeds (aws-health,
   * gcp-incidents, azure-rss) map their services onto catalog ids by themselves.
   */
  format: "auto" | "statuspage" | "rss" | "feed" | "aws-health" | "gcp-incidents" | "azure-rss";
  /** Vendor component name → our component id (for cloud feeds, on top of the catalog's own ids). */
  components: Record<string, string>;
}

export type Check = HttpCheck | TcpCheck | DnsCheck | TlsCheck | HeartbeatCheck | StatuspageCheck;
export type CheckType = Check["type"];

/** What one run of one check found. A statuspage check may speak for several components (`components`). */
export interface CheckResult {
  status: Status;
  errorClass: ErrorClass | null;
  latencyMs: number;
  phases: Phases;
  message?: string;
  /** Per-component statuses a status page reported, for statuspage checks. */
  components?: { component: string; status: Status }[];
}

/** What a runner gets besides the check: its deadline, and where it may and may not connect. */
export interface CheckContext {
  /** Aborted at the check's timeout or at shutdown; runners stop at once and report `timeout`. */
  signal: AbortSignal;
  /** Source address to bind (vantages on one host: 127.0.0.2, 127.0.0.3 ...). */
  localAddress?: string;
  /**
   * True when `signal` already aborts at the check's own timeout (the scheduler's does), so the runner need
   * not arm a timer of its own: at tens of thousands of checks, one timer and one combined signal fewer per
   * check is a measurable share of the CPU.
   */
  timeoutInSignal?: boolean;
}
