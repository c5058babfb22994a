/** `epicenter check TARGET [--json] [--timeout 10s]`: runs one check now and shows what it found. */
import { parseArgs } from "node:util";
import { DURATION_RULE, parseDuration } from "../model/duration.js";
import type { Phases } from "../model/observation.js";
import { TargetError, checkForTarget as targetCheck } from "../probe/check-target.js";
import type { Check, CheckResult } from "../probe/check-types.js";
import { runCheck } from "../probe/run-check.js";
import { type CliIo, UsageError } from "./io.js";

const checkHelp = `epicenter check TARGET [--json] [--timeout 10s]

Runs one check now, through the same probes and target guard the agents use, and prints its status, error
class and the time each phase took. TARGET is one of:
  http://HOST[:PORT]/PATH, https://...   a request; up for statuses 200-399, redirects followed
  tcp://HOST:PORT                         a TCP connect
  dns://NAME?type=A&server=HOST:PORT      a DNS question (type A by default; the system's resolvers by default)
  tls://HOST[:PORT]                       the certificate: chain, name, days to expiry (degraded under 14)
Link-local and cloud metadata addresses are refused (down, error class blocked).
  --json          one JSON object: {"status", "errorClass", "latencyMs", "phases", "message", "target"}
  --timeout D     give up after D (default 10s)
Exit status: 0 up or degraded, 1 down, 2 bad usage.`;

export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(checkHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`check needs exactly one TARGET\n\n${checkHelp}`);
  const seconds = values.timeout === undefined ? 10 : parseDuration(values.timeout);
  if (seconds === undefined || seconds <= 0)
    throw new UsageError(`--timeout "${values.timeout}" is not ${DURATION_RULE} above zero`);
  const target = positionals[0]!;
  const check = checkForTarget(target, Math.round(seconds * 1000));
  const result = await runCheck(check, { signal: new AbortController().signal });
  if (values.json) io.out(JSON.stringify(checkJson(target, result)));
  else io.out(renderCheck(target, result));
  return result.status === "down" ? 1 : 0;
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
