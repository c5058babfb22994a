/**
 * Issue 13, item 7: POST /api/v1/discover goes through the probes' target policy. Through the real serve
 * process: a config whose `probes.deny` covers the address a domain resolves to makes discovery skip the
 * certificate read there, saying why; after a reload that lifts the deny, the guard lets it through. And
 * the serve process's own probes take the reloaded policy too, as its remote agents already did.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { tableDns } from "./table-dns.js";

let dir: string;
let lines: string[];
let running: HubProcess | null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-discover-policy-"));
  lines = [];
  running = null;
});
afterEach(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = (probes: string) => `catalog: false
vantages: [vantage/here]
${probes}
components:
  - id: acme/api
`;

describe("POST /api/v1/discover under the config's probe policy", () => {
  it("skips a certificate read where probes.deny refuses, with the reason, and follows a reload", async () => {
    const file = join(dir, "epicenter.yaml");
    writeFileSync(file, config("probes:\n  deny: [loopback]"));
    running = await startHubProcess({
      configFile: file,
      dataDir: dir,
      port: 0,
      host: "127.0.0.1",
      discoveryDns: tableDns({ "inside.test": { A: ["127.0.0.1"] } }),
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
    });
    const discover = async () => {
      const res = await fetch(`${running!.url}/api/v1/discover`, {
        method: "POST",
        headers: { authorization: `Bearer ${running!.firstToken}`, "content-type": "application/json" },
        body: JSON.stringify({ domains: ["inside.test"], depth: 0 }),
      });
      expect(res.status).toBe(200);
      return JSON.stringify(await res.json());
    };
    expect(await discover()).toMatch(
      /"record":"inside\.test TLS","reason":"no certificate read: refused by the target guard: 127\.0\.0\.1 is loopback/,
    );

    writeFileSync(file, config(""));
    const end = Date.now() + 15_000;
    while (!lines.some((l) => l.includes("config reloaded"))) {
      if (Date.now() > end) throw new Error(`no reload; log:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await discover()).not.toMatch(/target guard/);
  }, 60_000);
});

describe("the serve process's own probes after a reload", () => {
  let target: Server;
  beforeEach(async () => {
    target = createServer((socket) => socket.end());
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
  });
  afterEach(() => new Promise<void>((r) => target.close(() => r())));

  it("are refused where the reloaded probes.deny says", async () => {
    const port = (target.address() as { port: number }).port;
    const file = join(dir, "epicenter.yaml");
    const withCheck = (probes: string) =>
      `${config(probes)}    checks:\n      - tcp: 127.0.0.1:${port}\n        interval: 1s\n`;
    writeFileSync(file, withCheck(""));
    running = await startHubProcess({
      configFile: file,
      dataDir: dir,
      port: 0,
      host: "127.0.0.1",
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
    });
    const store = running.store;
    const latest = async () => (await store.queryObservations({ component: "acme/api" }))[0];
    const until = async (what: string, ok: (o: Awaited<ReturnType<typeof latest>>) => boolean) => {
      const end = Date.now() + 15_000;
      for (;;) {
        const o = await latest();
        if (ok(o)) return o!;
        if (Date.now() > end) throw new Error(`${what}: not seen; log:\n${lines.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until("an up result", (o) => o?.status === "up");
    writeFileSync(file, withCheck("probes:\n  deny: [loopback]"));
    const blocked = await until("a blocked result", (o) => o?.errorClass === "blocked");
    expect(blocked.message).toMatch(/127\.0\.0\.1 is loopback/);
  }, 60_000);
});
