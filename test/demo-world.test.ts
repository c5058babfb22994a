import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAddresses } from "../src/demo/demo-model.js";
import { type DemoWorld, startDemoWorld } from "../src/demo/demo-world.js";
import { DemoWorldError } from "../src/demo/demo-world-error.js";
import { compileGraph } from "../src/model/graph.js";
import { summarizeImpact, whatIf } from "../src/whatif/what-if.js";

interface Answer {
  status?: number;
  body?: { status?: string; component?: string };
  error?: string;
}

/** One GET over a fresh connection from `localAddress` (a vantage's source address). */
function get(url: string, localAddress: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe("the demo world over real HTTP", () => {
  let world: DemoWorld;
  const A = "127.0.0.2";
  const B = "127.0.0.3";
  const C = "127.0.0.4";
  /** Every check's answer from one vantage, by component. */
  const sweep = async (from: string) => {
    const answers = await Promise.all(world.checks.map((c) => get(c.url, from)));
    return new Map(world.checks.map((c, i) => [c.component, answers[i]!]));
  };

  beforeAll(async () => {
    const started = performance.now();
    world = await startDemoWorld({ degradedDelayMs: 1_200, simple: true });
    console.log(
      `demo world: ${world.checks.length} servers listening in ${(performance.now() - started).toFixed(0)} ms`,
    );
  });
  afterAll(() => world.close());

  it("runs one server per observed service, on its own address, where its check points", async () => {
    const addresses = demoAddresses(world.components);
    expect(world.checks.map((c) => c.component)).toEqual([...addresses.keys()]);
    for (const check of world.checks)
      expect(new URL(check.url).hostname).toBe(addresses.get(check.component));
    for (const [component, answer] of await sweep(A)) {
      expect(answer.status, component).toBe(200);
      expect(answer.body).toEqual({ component, status: "ok" });
    }
  });

  it("answers 404 off /health", async () => {
    const url = new URL(world.checks[0]!.url);
    url.pathname = "/admin";
    expect((await get(url.href, A)).status).toBe(404);
  });

  it("fails exactly what aws/us-east-1 takes down (per an independent what-if), degrades what it degrades", async () => {
    const g = compileGraph({ components: world.components }, { includeHidden: true });
    const truth = summarizeImpact(g, whatIf(g, [g.index.get("aws/us-east-1")!]));
    const observed = new Set(world.checks.map((c) => c.component));
    const down = truth.down.filter((id) => observed.has(id));
    const degraded = truth.degraded.filter((id) => observed.has(id));
    // The story of 2021-12-07: the us-east-1 apps fall, failover keeps some alive, elsewhere is untouched.
    expect(down).toEqual(
      expect.arrayContaining(["demo/streaming", "demo/dating", "demo/delivery", "demo/cloud-status"]),
    );
    expect(degraded).toEqual(expect.arrayContaining(["demo/movies", "demo/video-calls", "demo/ledger"]));
    expect(down).not.toContain("demo/news");

    expect(world.inject({ id: "aws/us-east-1" })).toEqual({
      id: "aws/us-east-1",
      target: "component",
      state: "down",
      impact: 1,
    });
    expect(world.impact()).toEqual({ down, degraded });
    for (const [component, answer] of await sweep(B)) {
      if (down.includes(component))
        expect(answer, component).toEqual({ status: 503, body: { component, status: "down" } });
      else if (degraded.includes(component))
        expect(answer, component).toEqual({ status: 200, body: { component, status: "degraded" } });
      else expect(answer, component).toEqual({ status: 200, body: { component, status: "ok" } });
    }
    expect(world.clear("aws/us-east-1")).toBe(true);
    expect(world.clear("aws/us-east-1")).toBe(false);
    expect(world.faults()).toEqual([]);
    for (const [component, answer] of await sweep(B)) expect(answer.status, component).toBe(200);
  });

  it("strikes only some dependents under a partial fault, the same ones for the same injection order", async () => {
    const full = (() => {
      world.inject({ id: "aws/us-east-1/ec2" });
      const hit = world.impact().down;
      world.clear("aws/us-east-1/ec2");
      return hit;
    })();
    world.inject({ id: "aws/us-east-1/ec2", impact: 0.5 });
    const partial = world.impact().down;
    world.clear("aws/us-east-1/ec2");
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(full.length);
    for (const id of partial) expect(full).toContain(id);
    expect(() => world.inject({ id: "aws/us-east-1/ec2", impact: 0 })).toThrow(/must be above 0/);
  });

  it("refuses a blind vantage's connections, and only that vantage's", async () => {
    const url = world.checks[0]!.url;
    // A keep-alive connection from B opened before the fault is cut too.
    const { Agent } = await import("node:http");
    const agent = new Agent({ keepAlive: true, localAddress: B });
    const viaAgent = () =>
      new Promise<Answer>((resolve) => {
        const req = httpRequest(url, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
        req.end();
      });
    expect((await viaAgent()).status).toBe(200);

    expect(world.inject({ id: "vantage/local-b" }).target).toBe("vantage");
    expect(world.impact()).toEqual({ down: [], degraded: [] });
    for (const [component, answer] of await sweep(B))
      expect(answer.error, component).toMatch(/ECONNRESET|EPIPE/);
    expect((await viaAgent()).error).toMatch(/ECONNRESET|EPIPE/);
    for (const from of [A, C])
      for (const [c, answer] of await sweep(from)) expect(answer.status, c).toBe(200);

    world.clear("vantage/local-b");
    for (const [component, answer] of await sweep(B)) expect(answer.status, component).toBe(200);
    agent.destroy();
  });

  it("names an unknown target with a hint", () => {
    try {
      world.inject({ id: "aws/us-east-7" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DemoWorldError);
      expect((error as DemoWorldError).code).toBe("unknown-target");
      expect((error as Error).message).toMatch(/did you mean "aws\/us-east-1"/);
    }
  });
});
