/**
 * Issue 13, item 7: POST /api/v1/discover goes through the probes' target policy. Through the real serve
 * process: a config whose `probes.deny` covers the address a domain resolves to makes discovery skip the
 * certificate read there, saying why; after a reload that lifts the deny, the guard lets it through.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
