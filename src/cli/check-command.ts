/**
 * `epicenter check TARGET [--json] [--timeout 10s]`: runs one check now and shows what it found;
 * `--statuspage URL` shows what a status feed says instead (statuspage-view.ts).
 */
import { parseArgs } from "node:util";
import { DURATION_RULE, parseDuration } from "../model/duration.js";
import type { Phases } from "../model/observation.js";
import { TargetError, checkForTarget as targetCheck } from "../probe/check-target.js";
import type { Check, CheckResult, StatuspageCheck } from "../probe/check-types.js";
import { runCheck } from "../probe/run-check.js";
import { type CliIo, UsageError } from "./io.js";
import { statuspageView } from "./statuspage-view.js";

const FORMATS = ["statuspage", "rss", "aws-health", "gcp-incidents", "azure-rss"] as const;

const checkHelp = `epicenter check TARGET [--json] [--timeout 10s]
       epicenter check --statuspage URL [--format auto] [--json] [--timeout 10s]

Runs one check now, through the same probes and target guard the agents use, and prints its status, error
class and the time each phase took. TARGET is one of:
  http://HOST[:PORT]/PATH, https://...   a request; up for statuses 200-399, redirects followed
  tcp://HOST:PORT                         a TCP connect
  dns://NAME?type=A&server=HOST:PORT      a DNS question (type A by default; the system's resolvers by default)
  tls://HOST[:PORT]                       the certificate: chain, name, days to expiry (degraded under 14)
Link-local and cloud metadata addresses are refused (down, error class blocked).
  --json          one JSON object: {"status", "errorClass", "latencyMs", "phases", "message", "target"}
  --timeout D     give up after D (default 10s)
  --statuspage URL  what a status feed says now: its components (with the catalog ids they map to) and
                  incidents; --json prints {"format", "components": [{"name", "id", "status"}], "incidents":
                  [{"title", "status", "impact", "components", "updatedAt"}]}
  --format F      the feed's format: auto (from the body, default), ${FORMATS.join(", ")}
Exit status: 0 up or degraded (a feed: read), 1 down (a feed: not read), 2 bad usage.`;

export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean" },
      timeout: { type: "string" },
      statuspage: { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(checkHelp);
    return 0;
  }
  const seconds = values.timeout === undefined ? 10 : parseDuration(values.timeout);
  if (seconds === undefined || seconds <= 0)
    throw new UsageError(`--timeout "${values.timeout}" is not ${DURATION_RULE} above zero`);
  if (values.statuspage !== undefined) {
    if (positionals.length > 0) throw new UsageError("--statuspage URL takes no TARGET as well");
    return statuspageView(
      feedUrl(values.statuspage),
      feedFormat(values.format),
      Math.round(seconds * 1000),
      values.json === true,
      io,
    );
  }
  if (values.format !== undefined) throw new UsageError("--format goes with --statuspage URL");
  if (positionals.length !== 1) throw new UsageError(`check needs exactly one TARGET\n\n${checkHelp}`);
  const target = positionals[0]!;
  const check = checkForTarget(target, Math.round(seconds * 1000));
  const result = await runCheck(check, { signal: new AbortController().signal });
  if (values.json) io.out(JSON.stringify(checkJson(target, result)));
  else io.out(renderCheck(target, result));
  return result.status === "down" ? 1 : 0;
}

function feedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  } catch {}
  throw new UsageError(`--statuspage "${text}" is not an http:// or https:// URL`);
}

function feedFormat(text: string | undefined): StatuspageCheck["format"] {
  if (text === undefined || text === "auto") return "auto";
  if ((FORMATS as readonly string[]).includes(text)) return text as StatuspageCheck["format"];
  throw new UsageError(`--format "${text}" is not one of auto, ${FORMATS.join(", ")}`);
}

/** The check a TARGET URL describes; a UsageError saying what is wrong otherwise. */
function checkForTarget(target: string, timeoutMs: number): Check {
  try {
    return targetCheck(target, timeoutMs);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function checkJson(target: string, r: CheckResult) {
  const phases: Record<string, number> = Object.fromEntries(
    Object.entries(r.phases).map(([k, v]) => [k, round(v)]),
  );
  return {
    target,
    status: r.status,
    errorClass: r.errorClass,
    latencyMs: round(r.latencyMs),
    phases,
    message: r.message ?? null,
  };
}

const PHASE_NAMES: [keyof Phases, string][] = [
  ["dns", "dns"],
  ["connect", "connect"],
  ["tls", "tls"],
  ["firstByte", "first byte"],
  ["total", "total"],
];

function renderCheck(target: string, r: CheckResult): string {
  const verdict = r.errorClass && r.status !== "up" ? `${r.status}, ${r.errorClass}` : r.status;
  const phases = PHASE_NAMES.filter(([k]) => r.phases[k] !== undefined)
    .map(([k, name]) => `${name} ${formatMs(r.phases[k]!)}`)
    .join("  ");
  return [`${target}: ${verdict}${r.message ? ` (${r.message.trim()})` : ""}`, `  ${phases}`].join("\n");
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
