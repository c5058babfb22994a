/**
 * The dns runner: one question to the check's `server`, the vantage's `probes.resolver` or the system's
 * resolvers, the answers judged against what the check expects. Every failure is error class `dns`; which failure is the message's first
 * word: NXDOMAIN (no such name), SERVFAIL (the server failed), TIMEOUT (no answer in time), NODATA (the
 * name exists but has no records of this type, or the answer was empty), REFUSED, mismatch (answers
 * differ from the expectation).
 */
import { Resolver } from "node:dns";
import type { CheckResult, DnsCheck } from "./check-types.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError, ProbeError } from "./probe-errors.js";
import { startTimer } from "./result-timer.js";
import { guardAddress } from "./target-guard.js";

type Answer = unknown;

/** The answers of one record type as plain strings, so expectations compare text. */
function answerText(recordType: DnsCheck["recordType"], answer: Answer): string {
  const a = answer as Record<string, unknown>;
  switch (recordType) {
    case "MX":
      return `${a.priority} ${a.exchange}`;
    case "TXT":
      return (answer as string[]).join("");
    case "SOA":
      return `${a.nsname} ${a.hostmaster} ${a.serial}`;
    default:
      return String(answer);
  }
}

/** Runs a dns check; never throws. */
export async function runDnsCheck(check: DnsCheck, ctx: ProbeContext): Promise<CheckResult> {
  const { phases, done: finish } = startTimer();
  // The whole check is one DNS exchange.
  const done: typeof finish = (status, errorClass, message) => {
    const result = finish(status, errorClass, message);
    phases.dns = phases.total;
    return result;
  };
  try {
    const answers = (await ask(check, ctx)).map((a) => answerText(check.recordType, a));
    if (answers.length === 0) return done("down", "dns", "NODATA: the answer was empty");
    const mismatch = judge(check.expect, answers);
    if (mismatch) return done("down", "dns", `mismatch: ${mismatch}`);
    return done("up", null, answers.join(", "));
  } catch (error) {
    const { errorClass, message } = classifyError(error, "dns");
    return done("down", errorClass, message);
  }
}

function judge(expect: DnsCheck["expect"], answers: string[]): string | undefined {
  if (expect === "non-empty") return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/\.$/, "");
  const got = answers.map(norm).sort();
  if (expect.exact) {
    const want = expect.exact.map(norm).sort();
    if (got.length !== want.length || got.some((g, i) => g !== want[i]))
      return `answers [${answers.join(", ")}], expected exactly [${expect.exact.join(", ")}]`;
  }
  if (expect.contains !== undefined && !got.some((g) => g.includes(norm(expect.contains!))))
    return `no answer contains ${JSON.stringify(expect.contains)} (got ${answers.join(", ")})`;
  return undefined;
}

function ask(check: DnsCheck, ctx: ProbeContext): Promise<Answer[]> {
  const resolver = new Resolver({ timeout: Math.max(1, check.timeoutMs), tries: 1 });
  // The check's own server first, then the vantage's `probes.resolver`.
  const server = check.server ?? ctx.nameServer;
  if (server) {
    // The name server is a target too: the guard judges its address before any packet is sent.
    const host = server.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    const decision = guardAddress(host, ctx.policy);
    if (!decision.allowed)
      throw new ProbeError("blocked", `name server refused by the probe policy: ${decision.reason}`);
    resolver.setServers([server]);
  }
  if (ctx.localAddress) {
    const v6 = ctx.localAddress.includes(":");
    resolver.setLocalAddress(v6 ? "0.0.0.0" : ctx.localAddress, v6 ? ctx.localAddress : "::0");
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolver.cancel();
    if (ctx.signal.aborted) return reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const resolveType = resolver.resolve.bind(resolver) as unknown as (
      name: string,
      type: string,
      callback: (error: NodeJS.ErrnoException | null, records: Answer[]) => void,
    ) => void;
    resolveType(check.name, check.recordType, (error, records) => {
      ctx.signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(records);
    });
  });
}
