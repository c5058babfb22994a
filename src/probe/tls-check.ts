/**
 * The tls runner: a guarded connect and handshake, then the certificate judged: the chain must verify
 * against Node's roots (plus the policy's anchors), the certificate must name the host, and fewer days to
 * expiry than the check's threshold is `degraded`.
 */
import type net from "node:net";
import tls from "node:tls";
import type { CheckResult, TlsCheck } from "./check-types.js";
import { connectGuarded, upgradeTls } from "./guarded-connect.js";
import { contextResolver } from "./name-server.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError } from "./probe-errors.js";
import { startTimer } from "./result-timer.js";

const DAY_MS = 86_400_000;

/** Runs a tls check; never throws. */
export async function runTlsCheck(check: TlsCheck, ctx: ProbeContext): Promise<CheckResult> {
  const { phases, done } = startTimer();
  let stage: "connect" | "exchange" = "connect";
  let secure: tls.TLSSocket | undefined;
  let rawSocket: net.Socket | undefined;
  try {
    const resolver = contextResolver(ctx);
    const { socket, timings } = await connectGuarded({
      ...ctx,
      ...(resolver ? { resolver } : {}),
      host: check.host,
      port: check.port,
    });
    rawSocket = socket;
    Object.assign(phases, timings);
    const handshakeAt = performance.now();
    stage = "exchange";
    const servername = check.servername ?? check.host;
    // Verified by hand below, so an invalid chain is reported with its reason rather than as a reset.
    secure = await upgradeTls(socket, {
      servername,
      rejectUnauthorized: false,
      anchors: ctx.policy?.ca ?? [],
      signal: ctx.signal,
    });
    phases.tls = performance.now() - handshakeAt;
    const cert = secure.getPeerCertificate();
    if (!cert?.valid_to) return done("down", "tls", "the server sent no certificate");
    const mismatch = tls.checkServerIdentity(servername, cert);
    if (mismatch) return done("down", "tls", mismatch.message);
    if (!secure.authorized)
      return done("down", "tls", `${secure.authorizationError}: certificate not trusted`);
    const days = (new Date(cert.valid_to).getTime() - Date.now()) / DAY_MS;
    const when = `certificate for ${servername} expires in ${days.toFixed(1)} days (${cert.valid_to})`;
    if (days < check.degradedUnderDays)
      return done("degraded", null, `${when}, under ${check.degradedUnderDays}`);
    return done("up", null, when);
  } catch (error) {
    const { errorClass, message } = classifyError(error, stage);
    return done("down", errorClass === "protocol" && stage === "exchange" ? "tls" : errorClass, message);
  } finally {
    secure?.destroy();
    rawSocket?.destroy();
  }
}
