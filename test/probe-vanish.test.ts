/**
 * Issue 14's "done when": a DNS record that vanishes (removed from the demo's loopback name server) and a
 * certificate that is replaced (the server's certificate swapped for one of another name: open connections
 * keep the old one, new ones get the new one) are noticed on the next run of a fresh-connection
 * HTTPS check, and not by a `reuse: true` one until its keep-alive connection closes.
 */
import https from "node:https";
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../src/demo/demo-dns-server.js";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";
import { DEFAULT_PROBE_POLICY } from "../src/probe/target-guard.js";
import { checkBase, hasOpenssl, type KeyPair, makePki } from "./probe-fixtures.js";

const pki = hasOpenssl() ? makePki() : undefined;
// The certificate names other.example (the PKI's wrong-host leaf), so the check's URL uses that name.
const NAME = "other.example";

interface Served {
  server: https.Server;
  sockets: Set<Socket>;
  port: number;
}

/** An HTTPS server with `pair` on 127.0.0.1:port (0: a free one), its connections tracked. */
async function serve(pair: KeyPair, port: number): Promise<Served> {
  const server = https.createServer({ ...pair, keepAliveTimeout: 60_000 }, (_req, res) => res.end("ok"));
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return { server, sockets, port: (server.address() as { port: number }).port };
}

function dropConnections(s: Served): void {
  for (const socket of s.sockets) socket.destroy();
}

/** undici hands a kept-alive socket to the next request only an event-loop turn after the answer. */
const between = () => new Promise((ok) => setTimeout(ok, 20));

describe.skipIf(!pki)("a vanished record and a replaced certificate, fresh vs keep-alive", () => {
  let dns: DnsServer;
  let agents: HttpAgents;
  const servers: Served[] = [];
  beforeAll(async () => {
    dns = await startDnsServer();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      dropConnections(s);
      await new Promise((ok) => s.server.close(ok));
    }
    await agents?.close();
  });
  afterAll(() => dns.close());

  const monitors = (port: number) => {
    agents = new HttpAgents();
    const check = (reuse: boolean): HttpCheck => ({
      ...checkBase(),
      ...httpDefaults(),
      type: "http",
      id: reuse ? "keep-alive" : "fresh",
      url: `https://${NAME}:${port}/`,
      reuse,
    });
    const ctx = {
      http: agents,
      nameServer: dns.server,
      policy: { ...DEFAULT_PROBE_POLICY, ca: [pki!.ca] },
    };
    const run = async (reuse: boolean) => {
      const result = await runCheck(check(reuse), { ...ctx, signal: new AbortController().signal });
      await between();
      return result;
    };
    return { fresh: () => run(false), kept: () => run(true) };
  };

  it("a record removed from the zone: the fresh check's next run fails with dns; keep-alive only once its connection closes", async () => {
    dns.zones.set("test", NAME, { A: ["127.0.0.1"] });
    const served = await serve(pki!.wrongHost, 0);
    servers.push(served);
    const { fresh, kept } = monitors(served.port);
    expect(await fresh()).toMatchObject({ status: "up" });
    expect(await kept()).toMatchObject({ status: "up" });

    dns.zones.remove(NAME);
    const freshAfter = await fresh();
    expect(freshAfter).toMatchObject({ status: "down", errorClass: "dns" });
    expect(freshAfter.message).toMatch(/^NXDOMAIN.*other\.example/);
    // Still riding the connection it opened while the record existed: nothing looked the name up.
    const keptAfter = await kept();
    expect(keptAfter).toMatchObject({ status: "up" });
    expect(keptAfter.phases.dns).toBeUndefined();

    dropConnections(served);
    await between();
    expect(await kept()).toMatchObject({ status: "down", errorClass: "dns" });
  });

  it("a certificate replaced on the server: the fresh check's next run fails with tls; keep-alive only once its connection closes", async () => {
    dns.zones.set("test", NAME, { A: ["127.0.0.1"] });
    const served = await serve(pki!.wrongHost, 0);
    servers.push(served);
    const { fresh, kept } = monitors(served.port);
    expect(await fresh()).toMatchObject({ status: "up" });
    expect(await kept()).toMatchObject({ status: "up" });

    // The certificate swapped as a reload does (nginx -s reload, a load balancer's new certificate): open
    // connections keep the one they were made with, new ones get a certificate for localhost only.
    served.server.setSecureContext(pki!.leaf);
    const freshAfter = await fresh();
    expect(freshAfter).toMatchObject({ status: "down", errorClass: "tls" });
    expect(freshAfter.message).toMatch(/other\.example/);
    const keptAfter = await kept();
    expect(keptAfter).toMatchObject({ status: "up" });
    expect(keptAfter.phases.tls).toBeUndefined();

    dropConnections(served);
    await between();
    expect(await kept()).toMatchObject({ status: "down", errorClass: "tls" });
  });
});
