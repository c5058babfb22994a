/**
 * Issue 13, item 6: a config file emptied or cut short by a non-atomic save must not stop all monitoring.
 * Against the real serve process: a good config runs, the file is truncated to nothing and to half of itself,
 * each reload is refused with the file and the reason while checks keep running and the API keeps listing the
 * components; a file that says `allowEmpty: true` is taken.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { parseConfig } from "../src/config/config-load.js";
import { reloadRefusal } from "../src/config/reload-guard.js";
import { captureIo } from "./capture-io.js";

let dir: string;
let lines: string[];
let running: HubProcess | null;
let target: Server;
let hits: number;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-reload-"));
  lines = [];
  running = null;
  hits = 0;
  target = createServer((_req, res) => {
    hits++;
    res.end("ok");
  });
  await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
});
afterEach(async () => {
  await running?.stop();
  await new Promise<void>((r) => target.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`${what} did not happen in time; log:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a reload that would lose every check or component", () => {
  it("is refused (file and reason logged, monitoring goes on) unless the file says allowEmpty", async () => {
    const port = (target.address() as AddressInfo).port;
    const file = join(dir, "epicenter.yaml");
    // Settings first and components last, as configs tend to be written: half of it holds no components.
    const good = `# Acme's hub: what it watches, from where, and who may look.
catalog: false
vantages: [vantage/here]
server:
  anonymousRead: false
storage:
  retention:
    raw: 2d
    minute: 7d
    hour: 400d
probes:
  deny: [private]
components:
  - id: acme/api
    checks:
      - http: http://127.0.0.1:${port}/api
        interval: 1s
  - id: acme/db
    checks:
      - tcp: 127.0.0.1:${port}
        interval: 1s
`;
    writeFileSync(file, good);
    running = await startHubProcess({
      configFile: file,
      dataDir: dir,
      port: 0,
      host: "127.0.0.1",
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
    });
    const auth = { authorization: `Bearer ${running.firstToken}` };
    const listed = async () =>
      (
        (await (await fetch(`${running!.url}/api/v1/components`, { headers: auth })).json()) as {
          components: { id: string }[];
        }
      ).components
        .map((c) => c.id)
        .sort();
    expect(await listed()).toEqual(["acme/api", "acme/db"]);
    await until("a check", () => (hits > 0 ? true : undefined));

    const refusals = () => lines.filter((l) => l.includes("config not reloaded"));
    const refusedAfter = async (seen: number) => {
      await until("a refusal", () => (refusals().length > seen ? true : undefined));
      return refusals().at(-1)!;
    };

    // Emptied: valid YAML with nothing in it.
    truncateSync(file, 0);
    const empty = await refusedAfter(0);
    expect(empty).toContain(file);
    expect(empty).toMatch(
      /no checks \(the running config has 2\) and no components \(the running config has 2\)/,
    );
    expect(empty).toContain("allowEmpty: true");

    // Cut in half: valid YAML, every setting kept, no components.
    // Cut at a line's end (mid-line it would mostly be a syntax error, refused as any invalid file is).
    const cut = good.slice(0, good.lastIndexOf("\n", Math.floor(good.length / 2)) + 1);
    expect(cut).not.toContain("checks:");
    writeFileSync(file, cut);
    const half = await refusedAfter(refusals().length);
    expect(half).toContain(file);
    expect(half).toMatch(/no checks/);
    expect(lines.some((l) => l.includes("config reloaded"))).toBe(false);

    // Monitoring went on: checks still run, the API still lists both components.
    const before = hits;
    await until("checks after the refusals", () => (hits > before + 2 ? true : undefined));
    expect(await listed()).toEqual(["acme/api", "acme/db"]);
    expect(
      running.hub
        .components()
        .map((c) => c.id)
        .sort(),
    ).toEqual(["acme/api", "acme/db"]);

    // Said explicitly, an empty config is taken.
    writeFileSync(file, "allowEmpty: true\ncatalog: false\nvantages: [vantage/here]\ncomponents: []\n");
    await until("the reload", () => lines.find((l) => l.includes("config reloaded")));
    expect(await listed()).toEqual([]);
  }, 60_000);
});

describe("reloadRefusal", () => {
  const at = (text: string) => parseConfig("epicenter.yaml", `catalog: false\n${text}`);
  const withCheck = at("components:\n  - id: a/b\n    checks: [{ tcp: 127.0.0.1:1 }]\n");
  const bare = at("components:\n  - id: a/b\n");
  const empty = at("");

  it("refuses losing every check or component, not shrinking, nor staying empty", () => {
    expect(reloadRefusal(withCheck, bare)).toMatch(/no checks \(the running config has 1\);/);
    expect(reloadRefusal(bare, empty)).toMatch(/no components/);
    expect(reloadRefusal(withCheck, withCheck)).toBeNull();
    expect(reloadRefusal(empty, empty)).toBeNull();
    expect(reloadRefusal(withCheck, at("allowEmpty: true\n"))).toBeNull();
  });

  it("allowEmpty is in the schema `epicenter schema` prints", async () => {
    const { io, out } = captureIo();
    expect(await run(["schema"], io)).toBe(0);
    expect(JSON.parse(out.join("\n")).properties.allowEmpty).toMatchObject({ type: "boolean" });
  });
});
