/**
 * `epicenter serve` end to end: the demo world on loopback, real probes from three vantages, the hub, the
 * API; and a config-driven hub that reloads its config and refuses a broken one. Checks run every 3 s here
 * (10 s in the real demo) so a whole outage fits in a test.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { fastDemo } from "./fast-demo.js";

let dir: string;
let lines: string[];
let running: HubProcess | null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-serve-"));
  lines = [];
  running = null;
});
afterEach(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end)
      throw new Error(`${what} did not happen within ${ms} ms; log:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("epicenter serve, demo world", () => {
  it("opens an incident naming the failed region, serves it, and resolves it when the region recovers", async () => {
    running = await startHubProcess(fastDemo(dir, 24_000, lines));
    expect(running.anonymousRead).toBe(true);
    expect(running.firstToken).toMatch(/^ept_/);
    const opened = await until("an incident", () => lines.find((l) => l.includes("opened:")), 45_000);
    expect(opened).toContain("aws/us-east-1 likely failing");
    expect(lines.findIndex((l) => l.includes("chaos: failing aws/us-east-1"))).toBeLessThan(
      lines.indexOf(opened),
    );

    const res = await fetch(`${running.url}/api/v1/incidents?open=true`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { incidents: { id: string; epicenter: { component: string }[] }[] };
    expect(body.incidents).toHaveLength(1);
    expect(body.incidents[0]!.epicenter[0]!.component).toBe("aws/us-east-1");
    const id = body.incidents[0]!.id;

    const ack = `${running.url}/api/v1/incidents/${id}/ack`;
    expect((await fetch(ack, { method: "POST" })).status).toBe(401);
    const acked = await fetch(ack, {
      method: "POST",
      headers: { authorization: `Bearer ${running.firstToken}` },
    });
    expect(acked.status).toBe(200);

    await until("the resolve", () => lines.find((l) => l.includes(`incident ${id} resolved`)), 60_000);
    expect(lines.filter((l) => l.includes("opened:"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("warning"))).toEqual([]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/epicenter_incidents_open 0/);
    expect(metrics).toMatch(/epicenter_incident_events_total\{type="resolved"\} 1/);
    await running.stop();

    // A restart over the same data: the token stays, no second first token, the incident stays resolved.
    running = await startHubProcess({
      dataDir: dir,
      port: 0,
      host: "127.0.0.1",
      demo: { chaos: false },
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
    });
    expect(running.firstToken).toBeNull();
    const after = (await (await fetch(`${running.url}/api/v1/incidents`)).json()) as {
      incidents: { id: string; resolvedAt: string | null }[];
    };
    expect(after.incidents.map((i) => i.id)).toEqual([id]);
    expect(after.incidents[0]!.resolvedAt).not.toBeNull();
  }, 150_000);
});

describe("epicenter serve, with a config", () => {
  let target: Server;
  let port: number;
  beforeEach(async () => {
    target = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    port = (target.address() as AddressInfo).port;
  });
  afterEach(() => new Promise<void>((r) => target.close(() => r())));

  const config = (extra: string) => `
catalog: false
vantages: [vantage/here]
components:
  - id: acme/api
    checks:
      - http: http://127.0.0.1:PORT/health
        interval: 5s
${extra}`;

  it("closes reads by default, probes what the config says, reloads a good config and keeps running on a bad one", async () => {
    const file = join(dir, "epicenter.yaml");
    writeFileSync(file, config("").replace("PORT", String(port)));
    running = await startHubProcess({
      configFile: file,
      dataDir: dir,
      port: 0,
      host: "127.0.0.1",
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
    });
    expect(running.anonymousRead).toBe(false);
    expect((await fetch(`${running.url}/api/v1/incidents`)).status).toBe(401);
    const auth = { authorization: `Bearer ${running.firstToken}` };
    const store = running.store;
    await until(
      "a check result",
      async () => (await store.queryObservations({ component: "acme/api" }))[0],
      15_000,
    );
    const [first] = await store.queryObservations({ component: "acme/api" });
    expect(first).toMatchObject({ vantage: "vantage/here", status: "up", check: "acme/api#1" });

    writeFileSync(
      file,
      config("  - id: acme/web\n    requires: [acme/nope]\n").replace("PORT", String(port)),
    );
    await until("the refusal", () => lines.find((l) => l.includes("config not reloaded")), 10_000);
    expect(lines.join("\n")).toMatch(/epicenter\.yaml:\d+.*acme\/nope/);
    expect(running.hub.components().map((c) => c.id)).toEqual(["acme/api"]);

    writeFileSync(file, config("  - id: acme/web\n    requires: [acme/api]\n").replace("PORT", String(port)));
    await until("the reload", () => lines.find((l) => l.includes("config reloaded")), 10_000);
    const comps = (await (await fetch(`${running.url}/api/v1/components`, { headers: auth })).json()) as {
      components: { id: string }[];
    };
    expect(comps.components.map((c) => c.id).sort()).toEqual(["acme/api", "acme/web"]);

    // What serve wires to SIGHUP: a reload on request, the file unchanged.
    running.reload("SIGHUP");
    await until("the SIGHUP reload", () => lines.find((l) => l.includes("config reloaded (SIGHUP)")), 10_000);
  }, 60_000);
});
