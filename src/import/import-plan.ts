/**
 * What an import from another monitor (Uptime Kuma, Gatus) produces before it is written: the components with
 * their checks, and every monitor that could not come over with its reason, so nothing is dropped silently.
 * `renderImport` writes it as an epicenter.yaml whose comments say where each component came from and what of
 * it was left behind.
 */
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import { catalogComponents } from "../catalog/catalog-data.js";
import { formatDuration } from "../model/duration.js";

/** A check as epicenter.yaml writes it (the input form of src/probe/check-schema.ts). */
export type CheckEntry = Record<string, unknown>;

/** One component to write. `notes` become the comment above it (tags, groups, what was approximated). */
export interface ImportedComponent {
  id: string;
  name: string;
  kind?: string;
  checks: CheckEntry[];
  requires?: string[];
  notes: string[];
}

/** A monitor that did not become a check, and why (a kind Epicenter has no check for, a bad field...). */
export interface NotImported {
  /** The monitor as its tool names it, e.g. `"Router" (ping)`. */
  monitor: string;
  reason: string;
}

export interface ImportPlan {
  /** Where it came from, for the header: `Uptime Kuma backup (version 1.23.16)`. */
  from: string;
  components: ImportedComponent[];
  notImported: NotImported[];
  /** Things of the whole file left behind (notification channels, alerting), one line each. */
  notes: string[];
}

/** Ids the catalog or the hub already use: an imported monitor named "AWS" must not replace the provider. */
let reserved: Set<string> | undefined;
function reservedIds(): Set<string> {
  reserved ??= new Set(["hub", ...catalogComponents().map((c) => c.id)]);
  return reserved;
}

/**
 * Hands out component ids from monitor names: lower case, runs of other characters as one `-`, unique in
 * the file and never a catalog id (`-2`, `-3` ... and `-monitor` are appended).
 */
export function idAllocator(): (name: string, fallback: string) => string {
  const taken = new Set<string>();
  return (name, fallback) => {
    const base =
      name
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9._]+/g, "-")
        .replace(/^[-._]+|[-._]+$/g, "")
        .slice(0, 60)
        .replace(/[-._]+$/, "") || fallback;
    const start = reservedIds().has(base) ? `${base}-monitor` : base;
    let id = start;
    for (let n = 2; taken.has(id) || reservedIds().has(id); n++) id = `${start}-${n}`;
    taken.add(id);
    return id;
  };
}

/** Seconds as epicenter.yaml writes a duration: "1m30s", or "1500ms" when not whole. */
export function seconds(s: number): string {
  return Number.isInteger(s) ? formatDuration(s) : `${Math.max(1, Math.round(s * 1000))}ms`;
}

/** A JSON value written as text ("true", "42", "UP"): the other tools compare text, Epicenter JSON values. */
export function typedValue(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw === "null") return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(raw) && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A one-line, comment-safe form of text from the imported file. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The plan as epicenter.yaml text. */
export function renderImport(plan: ImportPlan): string {
  const components = plan.components.map((c) => ({
    id: c.id,
    name: c.name,
    ...(c.kind ? { kind: c.kind } : {}),
    ...(c.requires && c.requires.length > 0 ? { requires: c.requires } : {}),
    ...(c.checks.length > 0 ? { checks: c.checks } : {}),
  }));
  const doc = new Document({ version: 1, components });
  const header = [
    `Imported from ${plan.from} by epicenter import.`,
    `${plan.components.length} component${plan.components.length === 1 ? "" : "s"} imported; check it with: epicenter validate FILE`,
    ...plan.notes,
  ];
  if (plan.notImported.length > 0) {
    header.push(`Not imported (${plan.notImported.length}):`);
    for (const n of plan.notImported) header.push(`  - ${oneLine(n.monitor)}: ${oneLine(n.reason)}`);
  }
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  const seq = doc.get("components");
  if (isSeq(seq))
    seq.items.forEach((item, i) => {
      const notes = plan.components[i]!.notes;
      if (isMap(item) && notes.length > 0)
        (item as YAMLMap).commentBefore = notes.map((n) => ` ${oneLine(n)}`).join("\n");
    });
  return doc.toString({ lineWidth: 0 });
}
