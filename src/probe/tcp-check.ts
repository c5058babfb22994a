/** The tcp runner: a guarded connect, and optionally the first bytes the server sends (its banner). */
import type net from "node:net";
import type { CheckResult, TcpCheck } from "./check-types.js";
import { connectGuarded } from "./guarded-connect.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError, ProbeError } from "./probe-errors.js";
import { startTimer } from "./result-timer.js";

/** Banners are read up to this many bytes. */
const BANNER_LIMIT = 4096;

/** Runs a tcp check; never throws. */
export async function runTcpCheck(check: TcpCheck, ctx: ProbeContext): Promise<CheckResult> {
  const { phases, done } = startTimer();
  let socket: net.Socket;
  try {
    const connected = await connectGuarded({ ...ctx, host: check.host, port: check.port });
    socket = connected.socket;
    Object.assign(phases, connected.timings);
  } catch (error) {
    const { errorClass, message } = classifyError(error, "connect");
    return done("down", errorClass, message);
  }
  try {
    if (check.expectBanner === undefined) return done("up", null, `connected to ${check.host}:${check.port}`);
    const firstByteAt = performance.now();
    const banner = await readBanner(socket, check.expectBanner, ctx.signal);
    phases.firstByte = performance.now() - firstByteAt;
    if (!banner.includes(check.expectBanner))
      return done(
        "down",
        "assertion",
        `banner ${JSON.stringify(banner.slice(0, 80))} lacks ${JSON.stringify(check.expectBanner)}`,
      );
    return done("up", null, `banner ${JSON.stringify(banner.slice(0, 80))}`);
  } catch (error) {
    const { errorClass, message } = classifyError(error, "exchange");
    return done("down", errorClass, message);
  } finally {
    socket.destroy();
  }
}

/** Reads until `expected` shows up, the server closes, or BANNER_LIMIT bytes came; rejects on abort with nothing read. */
function readBanner(socket: net.Socket, expected: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = (error?: Error) => {
      signal.removeEventListener("abort", onAbort);
      socket.off("data", onData).off("end", onEnd).off("error", onError);
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (text.includes(expected) || text.length >= BANNER_LIMIT) finish();
    };
    const onEnd = () =>
      text
        ? finish()
        : finish(new ProbeError("protocol", "the server closed the connection without a banner"));
    const onError = (error: Error) => finish(error);
    // At the deadline, a partial banner is judged as it is; no banner at all is a timeout.
    const onAbort = () =>
      text
        ? finish()
        : finish(Object.assign(new Error("no banner before the timeout"), { name: "AbortError" }));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData).on("end", onEnd).on("error", onError);
  });
}
