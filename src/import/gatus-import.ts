/**
 * A Gatus config (config.yaml: `endpoints` with `name`, `group`, `url`, `interval`, `conditions`, and
 * `external-endpoints` pushed to by a job) as an import plan: http(s), tcp://, tls:// and DNS endpoints become
 * checks, their conditions expectations where Epicenter has one; a condition it has not is named in the
 * component's comment and on stderr, and an endpoint of a kind it has no check for (icmp://, udp://, ssh://
 * ...) is listed as not imported.
 */
import { SourceError } from "../model/model-errors.js";
import type { YamlSource } from "../model/yaml-source.js";
import { parseHostPort, RECORD_TYPES } from "../probe/check-fields.js";
import {
  type CheckEntry,
  hostPort,
  type ImportedComponent,
  type ImportPlan,
  idAllocator,
  type NotImported,
  oneLine,
  seconds,
  typedValue,
} from "./import-plan.js";

type Endpoint = Record<string, unknown>;

/** A reason the endpoint as a whole cannot come over. */
class Skip extends Error {}

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration ("5m", "1h30m", "500ms") in seconds; undefined when it is not one. */
export function goDuration(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value.trim()))
    return undefined;
  let total = 0;
  for (const m of value.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
  return total;
}

export function importGatus(source: YamlSource): ImportPlan {
  const value = source.value ?? {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new SourceError([source.issue([], "a Gatus config is a map with endpoints: (see Gatus's README)")]);
  const config = value as Record<string, unknown>;
  const issues = [];
  for (const key of ["endpoints", "external-endpoints"]) {
    const list = config[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      issues.push(source.issue([key], `${key} must be a list`));
      continue;
    }
    list.forEach((e, i) => {
      if (typeof e !== "object" || e === null || Array.isArray(e))
        issues.push(source.issue([key, i], "an endpoint must be a map with name and url"));
    });
  }
  if (issues.length > 0) throw new SourceError(issues);
  const endpoints = (config.endpoints ?? []) as Endpoint[];
  const external = (config["external-endpoints"] ?? []) as Endpoint[];
  const allocate = idAllocator();
  const components: ImportedComponent[] = [];
  const notImported: NotImported[] = [];
  const add = (e: Endpoint, i: number, kind: string, convert: (notes: string[]) => CheckEntry[]) => {
    const name = typeof e.name === "string" && e.name.trim() !== "" ? e.name : `${kind} ${i + 1}`;
    const group = typeof e.group === "string" && e.group.trim() !== "" ? e.group : undefined;
    const title = `"${group ? `${group}/` : ""}${name}"`;
    const label = `${title} (${kind})`;
    if (e.enabled === false) {
      notImported.push({ monitor: label, reason: "disabled in Gatus (enabled: false)" });
      return;
    }
    try {
      const notes = [`Gatus ${kind} ${title}`];
      if (group) notes.push(`group: ${group}`);
      const checks = convert(notes);
      components.push({ id: allocate(name, `endpoint-${i + 1}`), name, checks, notes });
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      notImported.push({ monitor: label, reason: error.message });
    }
  };
  for (const [i, e] of endpoints.entries()) add(e, i, "endpoint", (notes) => endpointChecks(e, notes));
  for (const [i, e] of external.entries())
    add(e, i, "external endpoint", (notes) => {
      const token = typeof e.token === "string" ? e.token : undefined;
      if (token === undefined || !/^[A-Za-z0-9_-]{16,128}$/.test(token))
        throw new Skip("its token is not 16 to 128 characters of [A-Za-z0-9_-]");
      notes.push(`the job now calls POST /api/v1/heartbeats/${token} on the hub`);
      const every = goDuration((e.heartbeat as { interval?: unknown } | undefined)?.interval);
      return [{ heartbeat: { token }, ...(every ? { interval: seconds(bounded(every)) } : {}) }];
    });
  const notes: string[] = [];
  if (config.alerting !== undefined)
    notes.push("alerting: not imported: declare channels under notifications: (README, Notifications)");
  return { from: "a Gatus config", components, notImported, notes };
}

/** Intervals from 1 s to a year; past that is a typo. */
function bounded(s: number): number {
  return Math.min(Math.max(1, s), 31_536_000);
}

function endpointChecks(e: Endpoint, notes: string[]): CheckEntry[] {
  const url = typeof e.url === "string" ? e.url.trim() : "";
  if (url === "") throw new Skip("it has no url");
  const common: CheckEntry = {};
  const interval = e.interval === undefined ? 60 : goDuration(e.interval);
  if (interval === undefined)
    notes.push(`interval ${oneLine(String(e.interval), 20)} not understood; 60s used`);
  const every = bounded(interval ?? 60); // Gatus's default is 60s
  common.interval = seconds(every);
  const client = (typeof e.client === "object" && e.client !== null ? e.client : {}) as Record<
    string,
    unknown
  >;
  const timeout = goDuration(client.timeout);
  if (timeout !== undefined && timeout > 0) common.timeout = seconds(Math.min(timeout, every));
  else if (every < 10) common.timeout = seconds(every);
  if (e.alerts !== undefined) notes.push("alerts: not imported (see notifications: in the README)");
  const conditions = (Array.isArray(e.conditions) ? e.conditions : []).map((c) => String(c));
  const dns = e.dns as Record<string, unknown> | undefined;
  if (dns !== undefined && dns !== null) return [{ ...dnsCheck(url, dns, conditions, notes), ...common }];
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") return httpChecks(e, url, client, conditions, notes, common);
  if (scheme === "tcp" || scheme === "tls") {
    const target = url.slice(scheme.length + 3).replace(/\/.*$/, "");
    if (!parseHostPort(target)) throw new Skip(`${scheme}:// needs host:port (has "${oneLine(target, 80)}")`);
    const rest = unsupported(conditions, ["[CONNECTED] == true", "[CERTIFICATE_EXPIRATION]"]);
    noteConditions(rest, notes);
    const degradedUnder = certificateLimit(conditions, notes);
    return [
      scheme === "tcp"
        ? { tcp: target, ...common }
        : { tls: target, ...common, ...(degradedUnder ? { degradedUnder } : {}) },
    ];
  }
  throw new Skip(
    scheme === "icmp"
      ? "Epicenter has no ICMP ping check; a tcp check on a port the host serves is the nearest"
      : `Epicenter has no check for ${scheme ? `${oneLine(scheme, 20)}://` : `"${oneLine(url, 80)}"`} endpoints`,
  );
}

/** One condition: `[PLACEHOLDER]...` `op` `value`. */
function parse(condition: string): { left: string; op: string; right: string } | undefined {
  const m = /^\s*(\[[A-Z_]+\][^\s=!<>]*)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$/.exec(condition);
  return m ? { left: m[1]!, op: m[2]!, right: m[3]! } : undefined;
}

function httpChecks(
  e: Endpoint,
  url: string,
  client: Record<string, unknown>,
  conditions: string[],
  notes: string[],
  common: CheckEntry,
): CheckEntry[] {
  try {
    new URL(url);
  } catch {
    throw new Skip(`its url "${oneLine(url, 80)}" is not a URL`);
  }
  const check: CheckEntry = { http: url };
  if (typeof e.method === "string" && e.method.toUpperCase() !== "GET") {
    if (!/^[A-Za-z]+$/.test(e.method))
      throw new Skip(`its method "${oneLine(e.method, 20)}" is not an HTTP method`);
    check.method = e.method.toUpperCase();
  }
  if (typeof e.headers === "object" && e.headers !== null) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.headers))
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) && (typeof v === "string" || typeof v === "number")) {
        headers[k] = String(v);
        // Gatus and epicenter.yaml both read ${NAME} from the environment: the hub needs it set too.
        for (const m of String(v).matchAll(/\$\{([A-Za-z_]\w*)\}/g))
          notes.push(`header ${k} reads \${${m[1]}}: set ${m[1]} in the hub's environment`);
      } else notes.push(`header ${oneLine(k, 40)} not imported: not a header name and text value`);
    if (Object.keys(headers).length > 0) check.headers = headers;
  }
  if (typeof e.body === "string" && e.body !== "") check.body = e.body;
  if (client.insecure === true) check.tlsVerify = false;
  const expect: Record<string, unknown> = {};
  let status: [number, number][] = [[100, 599]];
  let statusSeen = false;
  const left: string[] = [];
  let degradedUnder: string | undefined;
  for (const condition of conditions) {
    const c = parse(condition);
    if (c?.left === "[STATUS]") {
      const ranges = statusRanges(c.op, c.right);
      if (ranges) {
        status = intersect(status, ranges);
        statusSeen = true;
        continue;
      }
    } else if (c?.left === "[RESPONSE_TIME]" && (c.op === "<" || c.op === "<=") && /^\d+$/.test(c.right)) {
      check.degradedOver = `${Number(c.right)}ms`;
      notes.push(`${condition}: slower is degraded here, not down`);
      continue;
    } else if (
      c?.left === "[BODY]" &&
      c.op === "==" &&
      expect.bodyContains === undefined &&
      expect.bodyRegex === undefined
    ) {
      const pattern = /^pat\((.*)\)$/.exec(c.right)?.[1];
      const inner = pattern === undefined ? undefined : /^\*([^*]+)\*$/.exec(pattern)?.[1];
      if (inner !== undefined) expect.bodyContains = inner;
      else
        expect.bodyRegex = `^${(pattern ?? c.right)
          .split("*")
          .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
          .join("[\\s\\S]*")}$`;
      continue;
    } else if (
      c?.left.startsWith("[BODY].") &&
      c.op === "==" &&
      expect.json === undefined &&
      !/^\w+\(/.test(c.right)
    ) {
      const path = jsonPath(c.left.slice("[BODY].".length));
      if (path) {
        expect.json = { path, equals: typedValue(c.right) };
        continue;
      }
    } else if (condition.trim() === "[CONNECTED] == true") continue;
    else if (c?.left === "[CERTIFICATE_EXPIRATION]") {
      degradedUnder = certificateLimit([condition], notes);
      if (degradedUnder) continue;
    }
    left.push(condition);
  }
  if (statusSeen) {
    if (status.length === 0) {
      left.push("(no status satisfies every [STATUS] condition)");
    } else expect.status = status.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(",");
  } else if (conditions.length > 0) expect.status = "100-599"; // Gatus judges only by its conditions
  noteConditions(left, notes);
  if (Object.keys(expect).length > 0)
    check.expect = Object.fromEntries(Object.entries(expect).filter(([, v]) => v !== undefined));
  const checks: CheckEntry[] = [{ ...check, ...common }];
  if (degradedUnder !== undefined) {
    const u = new URL(url);
    if (u.protocol === "https:") {
      const host = u.hostname.replace(/^\[|\]$/g, "");
      checks.push({ tls: hostPort(host, Number(u.port || 443)), ...common, degradedUnder });
    }
  }
  return checks;
}

/** `[CERTIFICATE_EXPIRATION] > 48h` as a tls check's degradedUnder ("172800s"). */
function certificateLimit(conditions: string[], notes: string[]): string | undefined {
  for (const condition of conditions) {
    const c = parse(condition);
    if (c?.left !== "[CERTIFICATE_EXPIRATION]" || (c.op !== ">" && c.op !== ">=")) continue;
    const limit = goDuration(c.right);
    if (limit === undefined) continue;
    notes.push(`${condition}: a certificate closer to expiry is degraded here, not down`);
    return seconds(Math.round(limit));
  }
  return undefined;
}

/** `data[0].name` → `data.0.name`; undefined for anything but a plain path. */
function jsonPath(text: string): string | undefined {
  if (!/^[A-Za-z_][\w-]*(\[\d+\]|\.[A-Za-z_][\w-]*)*$/.test(text)) return undefined;
  return text.replace(/\[(\d+)\]/g, ".$1");
}

function statusRanges(op: string, right: string): [number, number][] | undefined {
  const any = /^any\((.*)\)$/.exec(right)?.[1];
  if (op === "==" && any !== undefined) {
    const codes = any.split(",").map((s) => Number(s.trim()));
    if (codes.every((n) => Number.isInteger(n) && n >= 100 && n <= 599)) return codes.map((n) => [n, n]);
    return undefined;
  }
  const n = Number(right);
  if (!Number.isInteger(n)) return undefined;
  const clamp = (lo: number, hi: number): [number, number][] =>
    Math.max(lo, 100) <= Math.min(hi, 599) ? [[Math.max(lo, 100), Math.min(hi, 599)]] : [];
  switch (op) {
    case "==":
      return clamp(n, n);
    case "<":
      return clamp(100, n - 1);
    case "<=":
      return clamp(100, n);
    case ">":
      return clamp(n + 1, 599);
    case ">=":
      return clamp(n, 599);
    default:
      return undefined;
  }
}

function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [alo, ahi] of a)
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) out.push([lo, hi]);
    }
  return out.sort((x, y) => x[0] - y[0]);
}

function dnsCheck(
  url: string,
  dns: Record<string, unknown>,
  conditions: string[],
  notes: string[],
): CheckEntry {
  const name = typeof dns["query-name"] === "string" ? dns["query-name"].replace(/\.$/, "") : "";
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new Skip(`its dns query-name "${oneLine(name, 80)}" is not a DNS name`);
  const type = typeof dns["query-type"] === "string" ? dns["query-type"].toUpperCase() : "A";
  if (!(RECORD_TYPES as readonly string[]).includes(type))
    throw new Skip(
      `Epicenter's dns check does not ask for ${oneLine(type, 10)} records (${RECORD_TYPES.join(", ")})`,
    );
  const check: CheckEntry = { dns: name, type };
  const server = url.replace(/^[a-z]+:\/\//i, "");
  if (parseHostPort(server, 53)) {
    const { host, port } = parseHostPort(server, 53)!;
    check.server = hostPort(host, port);
  } else notes.push(`DNS server ${oneLine(server, 60)} not understood; the system's resolvers are used`);
  const left: string[] = [];
  for (const condition of conditions) {
    const c = parse(condition);
    // A resolver that answers NOERROR with records is what the dns check's default (a non-empty answer) asks.
    if (c?.left === "[DNS_RCODE]" && c.op === "==" && c.right === "NOERROR") continue;
    if (c?.left === "[BODY]" && c.op === "==" && !/^\w+\(/.test(c.right) && check.expect === undefined) {
      check.expect = { contains: c.right };
      continue;
    }
    left.push(condition);
  }
  noteConditions(left, notes);
  return check;
}

/** The conditions without those starting with one of `known`. */
function unsupported(conditions: string[], known: string[]): string[] {
  return conditions.filter((c) => !known.some((k) => c.trim().startsWith(k)));
}

function noteConditions(left: string[], notes: string[]): void {
  for (const c of left) notes.push(`condition not imported: ${oneLine(c, 120)}`);
}
