/**
 * Issue 13: an agent whose token is revoked while it runs. Against a real `serve` (hub, HTTP API, SQLite):
 * the agent keeps checking, says in its status lines that the hub refuses the token and what to do, sets
 * nothing aside as refused, keeps what it could not publish in its spool at stop, and a restart with a new
 * token on the same spool delivers every observation, each stored and taken by the hub once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCommand } from "../src/cli/agent-command.js";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import type { Observation } from "../src/model/observation.js";
import { captureIo } from "./capture-io.js";

const VANTAGE = "probe/remote";
let dir: string;
let target: http.Server;
let hub: HubProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-agent-revoked-"));
  target = http.createServer((_req, res) => res.writeHead(200).end("ok"));
  await new Promise<void>((r) => target.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  const config = [
    "catalog: false",
    `vantages: [probe/hub, ${VANTAGE}]`,
    "probes:",
    `  anchors: ["${url}/anchor"]`,
    "components:",
    ...["acme/api", "acme/web"].flatMap((id) => [
      `  - id: ${id}`,
      "    checks:",
      `      - http: ${url}/${id}`,
      "        interval: 1s",
      "        timeout: 1s",
      `        vantages: [${VANTAGE}]`,
    ]),
    "",
  ].join("\n");
  writeFileSync(join(dir, "epicenter.yaml"), config);
  hub = await startHubProcess({
    configFile: join(dir, "epicenter.yaml"),
    dataDir: join(dir, "hub-data"),
    vantage: "probe/hub", // every check belongs to the remote vantage: the hub's own agent runs none
    port: 0,
    host: "127.0.0.1",
    log: () => {},
    warn: () => {},
  });
});
afterAll(async () => {
  await hub?.stop();
  await new Promise<void>((r) => target.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${hub.firstToken}`, "content-type": "application/json" },
  });
}

async function agentToken(name: string): Promise<{ id: string; secret: string }> {
  const made = await api("/api/v1/tokens", {
    method: "POST",
    body: JSON.stringify({ name, role: "agent", vantage: VANTAGE }),
  });
  expect(made.status, await made.clone().text()).toBe(201);
  const body = (await made.json()) as { token: { id: string }; secret: string };
  return { id: body.token.id, secret: body.secret };
}

const stored = () => hub.store.queryObservations({ vantage: VANTAGE, limit: 100_000 });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 100));
}

/** The agent's last line: how many it published and kept. */
function summary(out: string[]): { published: number; kept: number; line: string } {
  const line = out.at(-1) ?? "";
  const m = /stopped after \d+ checks; (\d+) observations published(?:, (\d+) kept in )?/.exec(line);
  expect(m, line).not.toBeNull();
  return { published: Number(m![1]), kept: Number(m![2] ?? 0), line };
}

describe("an agent whose token is revoked while it runs", () => {
  it("says so, keeps its observations in the spool, and delivers them all once restarted with a new token", async () => {
    const spool = join(dir, "spool.jsonl");
    const deadLetter = join(dir, "dead.jsonl");
    const args = (...more: string[]): string[] => [
      "--vantage",
      VANTAGE,
      "--hub",
      hub.url,
      "--spool",
      spool,
      "--dead-letter",
      deadLetter,
      "--status-every",
      "1",
      ...more,
    ];

    // First run: delivering, then the token is revoked.
    const first = await agentToken("remote one");
    const one = captureIo(dir, { EPICENTER_TOKEN: first.secret });
    let revokedAt = 0;
    const stopOne = (async () => {
      await until(async () => (await stored()).length >= 4);
      const revoked = await api(`/api/v1/tokens/${first.id}`, { method: "DELETE" });
      expect(revoked.status).toBe(204);
      revokedAt = Date.now();
      // Refused for a while: the status lines say it, and observations pile up.
      await until(() => one.out.filter((l) => l.includes("hub refuses the token")).length >= 3);
    })();
    expect(await agentCommand(args(), one.io, stopOne), one.err.join("\n")).toBe(0);

    const refusalLine = one.out.find((l) => l.includes("hub refuses the token"))!;
    expect(refusalLine).toMatch(
      /hub refuses the token \(HTTP 401\) since \d{4}-\d\d-\d\dT[\d:.]+Z: create a new one with epicenter token create --role agent --vantage probe\/remote/,
    );
    const since = Date.parse(/since (\S+):/.exec(refusalLine)![1]!);
    expect(since).toBeGreaterThanOrEqual(revokedAt - 5000);
    expect(one.err.join("\n")).toMatch(/hub refuses the token \(HTTP 401\)/);
    const run1 = summary(one.out);
    expect(run1.line).not.toMatch(/dropped|refused by the hub/);
    expect(run1.kept).toBeGreaterThan(0);
    expect(existsSync(deadLetter) ? readFileSync(deadLetter, "utf8") : "").toBe("");
    const spooled = readFileSync(spool, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Observation);
    expect(spooled).toHaveLength(run1.kept);
    const before = new Set((await stored()).map((o) => o.id));
    expect(before.size).toBe(run1.published);
    expect(spooled.filter((o) => before.has(o.id))).toEqual([]);

    // Second run, a new token, the same spool: the kept observations go first, then the new ones.
    const second = await agentToken("remote two");
    const two = captureIo(dir, { EPICENTER_TOKEN: second.secret });
    const stopTwo = until(async () => {
      const ids = new Set((await stored()).map((o) => o.id));
      return spooled.every((o) => ids.has(o.id)) && ids.size >= before.size + spooled.length + 4;
    });
    expect(await agentCommand(args(), two.io, stopTwo), two.err.join("\n")).toBe(0);
    expect(
      two.out.some((l) => l.includes(`publishing first ${run1.kept} observations kept in ${spool}`)),
    ).toBe(true);
    const run2 = summary(two.out);
    expect(run2.line).not.toMatch(/dropped|refused by the hub|kept in/);
    expect(two.out.join("\n")).not.toMatch(/hub refuses the token/);
    expect(readFileSync(spool, "utf8")).toBe("");

    // Every observation produced (published in the first run, kept, then the second run's own) is stored
    // once, and the hub took each into its states once.
    const all = await stored();
    expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
    expect(all).toHaveLength(run1.published + run2.published);
    const metrics = await hub.hub.metrics();
    const taken = [
      ...metrics.matchAll(/^epicenter_checks_run_total\{vantage="probe\/remote"[^}]*\} (\d+)$/gm),
    ];
    expect(taken.reduce((n, m) => n + Number(m[1]), 0)).toBe(all.length);
  });
});
