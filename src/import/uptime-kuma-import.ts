/**
 * An Uptime Kuma backup (Settings → Backup → Export: a JSON object with `version`, `notificationList` and
 * `monitorList`) as an import plan: http, keyword, json-query, port, dns and push monitors become checks,
 * group monitors components that require their children; every other kind is listed as not imported.
 */
import { SourceError } from "../model/model-errors.js";
import type { YamlSource } from "../model/yaml-source.js";
import { parseHostPort, parseStatusRanges, RECORD_TYPES } from "../probe/check-fields.js";
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

type Monitor = Record<string, unknown>;

/** Why a kind has no check here, for the ones people ask about; the rest get a generic reason. */
const UNSUPPORTED: Record<string, string> = {
  ping: "Epicenter has no ICMP ping check; a tcp check on a port the host serves is the nearest",
  docker: "Epicenter does not watch Docker containers",
  "real-browser": "Epicenter does not drive a browser",
  "grpc-keyword": "Epicenter has no gRPC check",
  steam: "Epicenter has no game server checks",
  gamedig: "Epicenter has no game server checks",
  mqtt: "Epicenter has no MQTT check",
  "kafka-producer": "Epicenter has no Kafka check",
};
const DATABASES = ["sqlserver", "postgres", "mysql", "mongodb", "redis", "radius"];

/** A check that could not be made: the reason the monitor is listed as not imported. */
class Skip extends Error {}

export function importUptimeKuma(source: YamlSource): ImportPlan {
  const value = source.value;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SourceError([
      source.issue(
        [],
        "an Uptime Kuma backup is a JSON object with a monitorList (Settings → Backup → Export)",
      ),
    ]);
  const backup = value as Record<string, unknown>;
  const list = backup.monitorList;
  if (!Array.isArray(list))
    throw new SourceError([
      source.issue(
        Object.hasOwn(backup, "monitorList") ? ["monitorList"] : [],
        "monitorList must be a list of monitors (is this an Uptime Kuma backup? Settings → Backup → Export)",
      ),
    ]);
  const issues = list.flatMap((m, i) =>
    typeof m === "object" && m !== null && !Array.isArray(m)
      ? []
      : [source.issue(["monitorList", i], "a monitor must be an object")],
  );
  if (issues.length > 0) throw new SourceError(issues);
  const monitors = list as Monitor[];
  const allocate = idAllocator();
  const notImported: NotImported[] = [];
  const byKumaId = new Map<unknown, ImportedComponent>();
  const components: ImportedComponent[] = [];
  monitors.forEach((m, i) => {
    const name = typeof m.name === "string" && m.name.trim() !== "" ? m.name : `monitor ${m.id ?? i + 1}`;
    const type = typeof m.type === "string" ? m.type : "http";
    const label = `"${name}" (${type})`;
    if (m.active === false || m.active === 0) {
      notImported.push({ monitor: label, reason: "paused in Uptime Kuma; add it by hand if it should run" });
      return;
    }
    try {
      const notes: string[] = [`Uptime Kuma monitor ${String(m.id ?? i + 1)} ${label}`];
      const checks = type === "group" ? [] : [checkOf(m, type, notes)];
      const component: ImportedComponent = {
        id: allocate(name, `monitor-${i + 1}`),
        name,
        checks,
        notes,
        ...(type === "group" ? { kind: "group" } : {}),
      };
      const tags = tagsOf(m.tags);
      if (tags.length > 0) notes.push(`tags: ${tags.join(", ")}`);
      if (typeof m.description === "string" && m.description.trim() !== "")
        notes.push(`description: ${oneLine(m.description)}`);
      components.push(component);
      byKumaId.set(m.id ?? `#${i}`, component);
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      notImported.push({ monitor: label, reason: error.message });
    }
  });
  // A group monitor is down when a child is: in Epicenter, a component that requires its children.
  for (const m of monitors) {
    const parent = m.parent === null || m.parent === undefined ? undefined : byKumaId.get(m.parent);
    const child = byKumaId.get(m.id);
    if (!parent || !child || parent === child) continue;
    if (parent.kind === "group") parent.requires = [...(parent.requires ?? []), child.id];
    else child.notes.push(`in Uptime Kuma under "${parent.name}"`);
  }
  for (const c of components)
    if (c.kind === "group") c.notes.push("a group: fails when a monitor in it fails (requires)");
  const notifications = Array.isArray(backup.notificationList) ? backup.notificationList.length : 0;
  const notes =
    notifications > 0
      ? [
          `${notifications} notification channel${notifications === 1 ? "" : "s"} not imported: declare them under notifications: (README, Notifications)`,
        ]
      : [];
  const version = typeof backup.version === "string" ? ` (version ${oneLine(backup.version, 40)})` : "";
  return { from: `an Uptime Kuma backup${version}`, components, notImported, notes };
}

function checkOf(m: Monitor, type: string, notes: string[]): CheckEntry {
  if (m.upsideDown === true || m.upsideDown === 1)
    throw new Skip("upside down mode (up when the target fails) has no Epicenter equivalent");
  const common = timing(m, notes);
  switch (type) {
    case "http":
    case "keyword":
    case "json-query":
      return { ...httpCheck(m, type, notes), ...common };
    case "port": {
      const host = text(m.hostname);
      const port = Number(m.port);
      const target = host === undefined ? undefined : hostPort(host, port);
      if (target === undefined || parseHostPort(target) === undefined)
        throw new Skip(
          `needs a hostname and a port from 1 to 65535 (has ${host ?? "none"}:${String(m.port)})`,
        );
      return { tcp: target, ...common };
    }
    case "dns":
      return { ...dnsCheck(m, notes), ...common };
    case "push": {
      const token = text(m.pushToken);
      if (token === undefined || !/^[A-Za-z0-9_-]{16,128}$/.test(token))
        throw new Skip("its push token is not 16 to 128 characters of [A-Za-z0-9_-]");
      notes.push(`push: the job now calls POST /api/v1/heartbeats/${token} on the hub`);
      return { heartbeat: { token }, ...common };
    }
    default:
      throw new Skip(
        UNSUPPORTED[type] ??
          (DATABASES.includes(type)
            ? "Epicenter has no database checks; a tcp check on its port is the nearest"
            : `Epicenter has no check for "${oneLine(type, 40)}" monitors`),
      );
  }
}

/** interval and timeout: Kuma keeps seconds; a timeout is kept within the interval, as Epicenter requires. */
function timing(m: Monitor, notes: string[]): CheckEntry {
  const out: CheckEntry = {};
  const interval = Number(m.interval);
  let every: number | undefined;
  if (Number.isFinite(interval) && interval > 0) {
    // Kuma's own bounds are 20 s to 24 days; anything past a year is a typo, kept a year.
    every = Math.min(Math.max(1, interval), 31_536_000);
    out.interval = seconds(every);
  }
  const timeout = Number(m.timeout);
  if (Number.isFinite(timeout) && timeout > 0) {
    const within = every === undefined ? Math.min(timeout, 30) : Math.min(timeout, every);
    if (within < timeout) notes.push(`timeout ${timeout}s cut to ${within}s (at most the interval)`);
    out.timeout = seconds(within);
  }
  return out;
}

function httpCheck(m: Monitor, type: string, notes: string[]): CheckEntry {
  const url = text(m.url);
  if (url === undefined || !/^https?:$/.test(protocolOf(url)))
    throw new Skip(
      `needs an http:// or https:// URL (has ${url === undefined ? "none" : `"${oneLine(url, 80)}"`})`,
    );
  const check: CheckEntry = { http: url };
  const method = text(m.method);
  if (method !== undefined && method.toUpperCase() !== "GET") {
    if (!/^[A-Za-z]+$/.test(method))
      throw new Skip(`its method "${oneLine(method, 20)}" is not an HTTP method`);
    check.method = method.toUpperCase();
  }
  const headers = headersOf(m.headers, notes);
  if (headers) check.headers = headers;
  const body = text(m.body);
  if (body !== undefined && body.trim() !== "") check.body = body;
  const expect: Record<string, unknown> = {};
  const codes = Array.isArray(m.accepted_statuscodes) ? m.accepted_statuscodes.map(String) : [];
  if (codes.length > 0) {
    if (parseStatusRanges(codes)) {
      if (codes.join(",") !== "200-399") expect.status = codes.join(",");
    } else notes.push(`accepted status codes ${oneLine(codes.join(","), 60)} not understood; 200-399 used`);
  } else if (m.accepted_statuscodes === undefined) expect.status = "200-299"; // Kuma's default
  if (type === "keyword") {
    const keyword = text(m.keyword);
    if (keyword === undefined || keyword === "") throw new Skip("a keyword monitor without a keyword");
    if (m.invertKeyword === true || m.invertKeyword === 1)
      expect.bodyRegex = `^(?![\\s\\S]*${keyword.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")})`;
    else expect.bodyContains = keyword;
  }
  if (type === "json-query") expect.json = jsonExpectation(m);
  if (Object.keys(expect).length > 0) check.expect = expect;
  const redirects = Number(m.maxredirects);
  if (Number.isInteger(redirects) && redirects >= 0 && redirects !== 5)
    check.redirects = redirects === 0 ? false : Math.min(redirects, 20);
  if (m.ignoreTls === true || m.ignoreTls === 1) check.tlsVerify = false;
  return check;
}

/** Kuma's json-query reads a JSONata expression; only a plain dotted path has an Epicenter equivalent. */
function jsonExpectation(m: Monitor): { path: string; equals: unknown } {
  const expression = text(m.jsonPath)?.trim() ?? "";
  const operator = text(m.jsonPathOperator) ?? "==";
  const simple = /^\$?\.?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*|\[\d+\])*)$/.exec(expression);
  if (!simple || (operator !== "==" && operator !== "="))
    throw new Skip(
      `its JSON query "${oneLine(expression, 60)}" ${operator} is more than a path equal to a value`,
    );
  const path = simple[1]!.replace(/\[(\d+)\]/g, ".$1");
  return { path, equals: typedValue(text(m.expectedValue) ?? "") };
}

function dnsCheck(m: Monitor, notes: string[]): CheckEntry {
  const name = text(m.hostname);
  if (name === undefined || !/^[A-Za-z0-9_.-]+$/.test(name))
    throw new Skip(
      `needs a DNS name to resolve (has ${name === undefined ? "none" : `"${oneLine(name, 80)}"`})`,
    );
  const type = text(m.dns_resolve_type) ?? "A";
  if (!(RECORD_TYPES as readonly string[]).includes(type))
    throw new Skip(
      `Epicenter's dns check does not ask for ${oneLine(type, 10)} records (${RECORD_TYPES.join(", ")})`,
    );
  const check: CheckEntry = { dns: name, type };
  const server = text(m.dns_resolve_server)?.split(",")[0]?.trim();
  if (server) {
    const port = Number(m.port);
    const target = hostPort(server, Number.isInteger(port) && port > 0 && port < 65536 ? port : 53);
    if (parseHostPort(target)) check.server = target;
    else notes.push(`resolver ${oneLine(server, 60)} not understood; the system's resolvers are used`);
  }
  return check;
}

/** Kuma keeps headers as JSON text of an object; only string values are headers. */
function headersOf(raw: unknown, notes: string[]): Record<string, string> | undefined {
  if (raw === null || raw === undefined || raw === "") return undefined;
  let value: unknown = raw;
  if (typeof raw === "string")
    try {
      value = JSON.parse(raw);
    } catch {
      notes.push("headers not imported: they are not a JSON object");
      return undefined;
    }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    notes.push("headers not imported: they are not a JSON object");
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) || (typeof v !== "string" && typeof v !== "number")) {
      notes.push(`header ${oneLine(k, 40)} not imported: not a header name and text value`);
      continue;
    }
    // Kuma sends the text as it is; epicenter.yaml would read ${NAME} as an environment variable.
    if (/\$\{[A-Za-z_]\w*\}/.test(String(v))) {
      notes.push(
        `header ${k} not imported: its value holds \${...}, which epicenter.yaml reads as an environment variable`,
      );
      continue;
    }
    headers[k] = String(v);
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

function tagsOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((t) => {
    if (typeof t !== "object" || t === null) return [];
    const { name, value } = t as { name?: unknown; value?: unknown };
    if (typeof name !== "string") return [];
    return [typeof value === "string" && value !== "" ? `${name}:${value}` : name];
  });
}

function text(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return "";
  }
}
