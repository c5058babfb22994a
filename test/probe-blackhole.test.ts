/**
 * Connections that fail while being set up, as a blackholed or overloaded target fails them: a check ends at
 * its own deadline even while undici still waits for the connector (TLS handshake never answered), says
 * `connect-timeout`; a reset during setup is `connect-refused`; and closing the pools does not wait for the
 * stuck connector's own 30 s timeout.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";
import { checkBase, close, listen } from "./probe-fixtures.js";

describe("connections that never get set up", () => {
  const held = new Set<net.Socket>();
  // Accepts TCP, never reads or writes: the TLS handshake waits forever.
  const blackhole = net.createServer((s) => {
    held.add(s);
    s.on("error", () => {});
  });
  const resetting = net.createServer((s) => s.resetAndDestroy());
  let silentPort = 0;
  let resetPort = 0;
  beforeAll(async () => {
    silentPort = await listen(blackhole);
    resetPort = await listen(resetting);
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await close(blackhole);
    await close(resetting);
  });
  const check = (url: string): HttpCheck => ({
    ...checkBase(),
    ...httpDefaults(),
    type: "http",
    url,
    timeoutMs: 400,
  });

  it("ends a blackholed https check at its deadline as connect-timeout, and closes its pools promptly", async () => {
    const http = new HttpAgents();
    const started = performance.now();
    const result = await runCheck(check(`https://127.0.0.1:${silentPort}/`), {
      signal: new AbortController().signal,
      http,
    });
    expect(result).toMatchObject({ status: "down", errorClass: "connect-timeout" });
    expect(performance.now() - started).toBeLessThan(1400);
    const closing = performance.now();
    await http.close(300);
    expect(performance.now() - closing).toBeLessThan(1500);
  });

  it("calls a reset during setup connect-refused", async () => {
    const http = new HttpAgents();
    for (const scheme of ["http", "https"]) {
      const result = await runCheck(check(`${scheme}://127.0.0.1:${resetPort}/`), {
        signal: new AbortController().signal,
        http,
      });
      expect(result, scheme).toMatchObject({ status: "down", errorClass: "connect-refused" });
      expect(result.message, scheme).toMatch(/ECONNRESET/);
    }
    await http.close();
  });
});
