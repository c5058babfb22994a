/** The API's behaviour on a real SQLite store: responses, ISO times, order, filters, bad input, the document. */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../src/server/auth-tokens.js";
import { apiRoutes, createApp } from "../src/server/server-app.js";
import { HEARTBEAT_TOKEN, incident, observation, openServerHub, type ServerHub } from "./server-hub.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON, inspected loosely; the assertions are the check.
type Loose = any;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const T0 = Date.parse("2021-12-07T15:00:00Z");
let served: ServerHub;
let hub: ServerHub["hub"];
let app: ReturnType<typeof createApp>;
let editor: string;

beforeAll(async () => {
  served = await openServerHub({
    // Saved out of order: the API must list newest first.
    incidents: [
      incident("inc-b", T0 + 2 * 60_000, T0 + 30 * 60_000, "fastly/cdn"),
      incident("inc-c", T0 + 5 * 60_000, null, "aws/us-east-1"),
      incident("inc-a", T0, null, "cloudflare/dns"),
    ],
  });
  hub = served.hub;
  app = createApp({ hub, auth: { anonymousRead: true } });
  editor = (await createToken(served.store, { name: "agent", role: "editor", now: Date.now() })).secret;
});

afterAll(async () => {
  await served?.close();
});

async function get(path: string) {
  const res = await app.request(path);
  return { status: res.status, res, body: (await res.json()) as Loose };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    headers: { authorization: `Bearer ${editor}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; path?: string } }).error;
}

describe("incidents", () => {
  it("lists newest first with ISO 8601 times, in the issue's shape", async () => {
    const { status, body, res } = await get("/api/v1/incidents");
    expect(status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body.incidents.map((i: { id: string }) => i.id)).toEqual(["inc-c", "inc-b", "inc-a"]);
    const [c, b] = body.incidents;
    expect(c).toMatchObject({
      id: "inc-c",
      openedAt: "2021-12-07T15:05:00.000Z",
      resolvedAt: null,
      epicenter: [{ component: "aws/us-east-1", confidence: 0.9 }],
      affected: ["acme/api", "acme/checkout"],
    });
    expect(b.resolvedAt).toMatch(ISO);
    expect(b.history).toBeUndefined();
  });

  it("filters with ?open, pages with ?before (ISO or epoch ms) and ?limit", async () => {
    const ids = async (q: string) =>
      (await get(`/api/v1/incidents?${q}`)).body.incidents.map((i: Loose) => i.id);
    expect(await ids("open=true")).toEqual(["inc-c", "inc-a"]);
    expect(await ids("open=false")).toEqual(["inc-b"]);
    expect(await ids("before=2021-12-07T15:05:00Z")).toEqual(["inc-b", "inc-a"]);
    expect(await ids(`before=${T0 + 5 * 60_000}`)).toEqual(["inc-b", "inc-a"]);
    expect(await ids("limit=1")).toEqual(["inc-c"]);
  });

  it("gets one with its history; 404 for an unknown one", async () => {
    const { body } = await get("/api/v1/incidents/inc-b");
    expect(body.incident.history).toEqual([
      { at: "2021-12-07T15:02:00.000Z", epicenter: [{ component: "fastly/cdn", confidence: 0.9 }] },
    ]);
    const missing = await get("/api/v1/incidents/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("acknowledges, recording who, and announces it to the stream's subscribers", async () => {
    const seen: string[] = [];
    const unsubscribe = hub.subscribe((e) => e.type === "incident" && seen.push(e.action));
    const res = await app.request("/api/v1/incidents/inc-c/ack", {
      method: "POST",
      headers: { authorization: `Bearer ${editor}` },
    });
    unsubscribe();
    const { incident: acked } = (await res.json()) as {
      incident: { acknowledgedBy: string; acknowledgedAt: string };
    };
    expect(acked.acknowledgedBy).toBe("agent");
    expect(acked.acknowledgedAt).toMatch(ISO);
    expect(seen).toEqual(["acknowledged"]);
    const missing = await app.request("/api/v1/incidents/nope/ack", {
      method: "POST",
      headers: { authorization: `Bearer ${editor}` },
    });
    expect(missing.status).toBe(404);
  });

  it.each([
    ["open=yes", "open"],
    ["before=yesterday", "before"],
    ["limit=0", "limit"],
    ["limit=ten", "limit"],
    ["opne=true", "opne"],
    ["open=true&open=false", "open"],
  ])("?%s is a 400 naming %s", async (query, path) => {
    const { status, body } = await get(`/api/v1/incidents?${query}`);
    expect(status).toBe(400);
    expect(body.error.path).toBe(path);
  });
});

describe("observations", () => {
  const batch = () => Array.from({ length: 5 }, (_, i) => observation(`obs-${i}`, T0 + i * 10_000));

  it("ingests a batch (202), then reads it back by component, vantage and range, newest first, ISO times", async () => {
    const res = await post("/api/v1/observations", { observations: batch() });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 5 });
    const all = await get("/api/v1/observations?component=acme/api&vantage=probe/us-east");
    expect(all.body.observations.map((o: Loose) => o.id)).toEqual([
      "obs-4",
      "obs-3",
      "obs-2",
      "obs-1",
      "obs-0",
    ]);
    expect(all.body.observations[0].at).toBe("2021-12-07T15:00:40.000Z");
    const range = await get(`/api/v1/observations?from=2021-12-07T15:00:10Z&to=${T0 + 30_000}`);
    expect(range.body.observations.map((o: Loose) => o.id)).toEqual(["obs-2", "obs-1"]);
    expect((await get("/api/v1/observations?vantage=probe/eu-west")).body.observations).toEqual([]);
  });

  it("rolls them up by minute", async () => {
    await served.store.rollup(T0, T0 + 60_000);
    const { body } = await get("/api/v1/rollups?resolution=1m&component=acme/api");
    expect(body.rollups).toEqual([
      expect.objectContaining({ at: "2021-12-07T15:00:00.000Z", vantage: "probe/us-east", down: 5, up: 0 }),
    ]);
    const missing = await get("/api/v1/rollups");
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toBe("resolution");
  });

  it("rejects a range that ends before it starts", async () => {
    const { status, body } = await get(
      "/api/v1/observations?from=2021-12-07T16:00:00Z&to=2021-12-07T15:00:00Z",
    );
    expect(status).toBe(400);
    expect(body.error.path).toBe("to");
  });

  it.each([
    ["status", { status: "sideways" }, "observations[3].status"],
    ["at", { at: "yesterday" }, "observations[3].at"],
    ["latencyMs", { latencyMs: -1 }, "observations[3].latencyMs"],
    ["errorClass", { errorClass: "gremlins" }, "observations[3].errorClass"],
    ["extra field", { colour: "red" }, "observations[3].colour"],
    ["component id", { component: "Not An Id" }, "observations[3].component"],
  ])("a bad %s is a 400 with the path", async (_, change, path) => {
    const observations = batch().map((o, i) => (i === 3 ? { ...o, ...change } : o));
    const res = await post("/api/v1/observations", { observations });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it("names an unknown component or vantage with a suggestion (422)", async () => {
    const res = await post("/api/v1/observations", {
      observations: [observation("u1", T0, { component: "acme/apii" })],
    });
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toEqual({
      code: "unknown_component",
      message: 'unknown component "acme/apii"; did you mean "acme/api"?',
      path: "observations[0].component",
      refusals: [
        {
          index: 0,
          path: "observations[0].component",
          code: "unknown_component",
          message: 'unknown component "acme/apii"; did you mean "acme/api"?',
        },
      ],
    });
    const vantage = await post("/api/v1/observations", {
      observations: [observation("u2", T0, { vantage: "probe/us-eats" })],
    });
    expect(vantage.status).toBe(422);
    expect((await errorOf(vantage)).message).toContain('did you mean "probe/us-east"?');
  });

  it("answers bad JSON 400, other media types 415, empty batches 400, bodies over 5 MB 413", async () => {
    const bad = await post("/api/v1/observations", '{"observations": [');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid_json");
    const text = await post(
      "/api/v1/observations",
      { observations: batch() },
      { "content-type": "text/plain" },
    );
    expect(text.status).toBe(415);
    const empty = await post("/api/v1/observations", { observations: [] });
    expect((await errorOf(empty)).path).toBe("observations");
    const huge = JSON.stringify({ observations: batch(), pad: "x".repeat(5 * 1024 * 1024) });
    const tooLarge = await post("/api/v1/observations", huge);
    expect(tooLarge.status).toBe(413);
    const declared = await post("/api/v1/observations", huge, { "content-length": String(huge.length) });
    expect(declared.status).toBe(413);
  });

  it("never answers 500 to any JSON body on any write route", async () => {
    const writes = ["/api/v1/observations", "/api/v1/whatif", "/api/v1/tokens"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.jsonValue(), async (path, value) => {
        const res = await post(path, JSON.stringify(value));
        await res.body?.cancel();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

describe("queries", () => {
  it("never answers 500 to any query string on any read route", async () => {
    const reads = [
      "/api/v1/observations",
      "/api/v1/rollups",
      "/api/v1/incidents",
      "/api/v1/components",
      "/api/v1/states",
    ];
    const names = fc.constantFrom(
      "from",
      "to",
      "limit",
      "open",
      "before",
      "component",
      "vantage",
      "resolution",
      "kind",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...reads),
        fc.array(fc.tuple(names, fc.string()), { maxLength: 4 }),
        async (path, pairs) => {
          const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
          const res = await app.request(`${path}?${query}`);
          await res.body?.cancel();
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("model", () => {
  it("lists components, filtered by kind and observed", async () => {
    const saas = (await get("/api/v1/components?kind=saas")).body.components;
    expect(saas.length).toBeGreaterThan(3);
    expect(saas.every((c: Loose) => c.kind === "saas")).toBe(true);
    const observed = (await get("/api/v1/components?observed=true")).body.components.map((c: Loose) => c.id);
    expect(observed).toContain("acme/checkout");
    expect(observed).not.toContain("aws/us-east-1");
  });

  it("gets a component whose id has slashes, with dependencies, dependents and state", async () => {
    // The state is the hub's own: the latest observation from each vantage, and the open incidents (inc-c,
    // the newest, names acme/api among those it affects; inc-a too).
    await served.ingest([observation("st-1", T0, { vantage: "probe/eu-west" })]);
    const { body } = await get("/api/v1/components/acme/api");
    expect(body.component.id).toBe("acme/api");
    expect(body.dependencies).toContain("aws/us-east-1/dynamodb");
    expect(body.dependents).toEqual(["acme/checkout"]);
    expect(body.state).toMatchObject({ belief: "affected", incidentId: "inc-c" });
    expect(body.state.observed[0]).toMatchObject({ vantage: "probe/eu-west", status: "down" });
    expect(body.state.observed[0].at).toBe("2021-12-07T15:00:00.000Z");
    const states = (await get("/api/v1/states?belief=affected")).body.states;
    expect(states.map((s: Loose) => s.component).sort()).toEqual(["acme/api", "acme/checkout"]);
    const failing = (await get("/api/v1/states?belief=failing")).body.states;
    expect(failing.map((s: Loose) => s.component).sort()).toEqual(["aws/us-east-1", "cloudflare/dns"]);
    expect((await get("/api/v1/states?belief=up")).body.states.map((s: Loose) => s.belief)).not.toContain(
      "affected",
    );
    const missing = await get("/api/v1/components/aws/us-east-7");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('did you mean "aws/us-east-1"?');
  });

  it("shows each vantage's last failing check with its phases, from observations ingested with them", async () => {
    const phases = { dns: 1.5, connect: 0.4, firstByte: 30, total: 31.9 };
    const checkout = { component: "acme/checkout", check: "acme/checkout#1" };
    const res = await post("/api/v1/observations", {
      observations: [
        observation("ph-1", T0, { ...checkout, phases, message: "HTTP 503" }),
        observation("ph-2", T0 + 5_000, { ...checkout, status: "up", errorClass: null }),
        observation("ph-3", T0 + 2_000, {
          ...checkout,
          vantage: "probe/eu-west",
          status: "degraded",
          errorClass: null,
          phases: { total: 2400 },
        }),
      ],
    });
    expect(res.status).toBe(202);
    const { body } = await get("/api/v1/components/acme/checkout");
    // A later success does not hide the last failure; newest first.
    expect(body.lastFailures).toEqual([
      {
        vantage: "probe/eu-west",
        at: "2021-12-07T15:00:02.000Z",
        check: "acme/checkout#1",
        status: "degraded",
        errorClass: null,
        phases: { total: 2400 },
      },
      {
        vantage: "probe/us-east",
        at: "2021-12-07T15:00:00.000Z",
        check: "acme/checkout#1",
        status: "down",
        errorClass: "http-5xx",
        message: "HTTP 503",
        phases,
      },
    ]);
    expect((await get("/api/v1/components/aws/us-east-1")).body.lastFailures).toEqual([]);
    const bad = await post("/api/v1/observations", {
      observations: [observation("ph-4", T0, { phases: { dns: -1, total: 3 } })],
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).path).toBe("observations[0].phases.dns");
    const unknown = await post("/api/v1/observations", {
      observations: [observation("ph-5", T0, { phases: { total: 3, dnsx: 1 } as never })],
    });
    expect(unknown.status).toBe(400);
  });

  it("draws the graph: a node per component, an edge per dependency with its group", async () => {
    const { body } = await get("/api/v1/graph");
    expect(body.nodes.length).toBe(hub.components().length);
    const web = body.edges.filter((e: Loose) => e.from === "acme/web" && e.type === "anyOf");
    expect(web).toContainEqual({
      from: "acme/web",
      to: "aws/us-west-2/s3",
      type: "anyOf",
      group: "acme/web#1",
    });
    expect(body.nodes.find((n: Loose) => n.id === "acme/api").belief).toBe("affected");
  });

  it("answers a what-if; unknown ids are a 400 naming each with a suggestion", async () => {
    const ok = await post("/api/v1/whatif", { failed: ["aws/us-east-1"] });
    const answer = (await ok.json()) as { down: string[]; observedHit: string[] };
    expect(answer.down).toContain("acme/api");
    expect(answer.observedHit).toContain("acme/checkout");
    const bad = await post("/api/v1/whatif", { failed: ["aws/us-east-7", "aws/us-east-1", "fastly/cnd"] });
    expect(bad.status).toBe(400);
    const error = await errorOf(bad);
    expect(error.path).toBe("failed[0]");
    expect(error.message).toBe(
      'unknown component "aws/us-east-7"; did you mean "aws/us-east-1"?; unknown component "fastly/cnd"; did you mean "fastly/cdn"?',
    );
    const wrongType = await post("/api/v1/whatif", { failed: "aws/us-east-1" });
    expect((await errorOf(wrongType)).path).toBe("failed");
  });
});

describe("system routes", () => {
  it("healthz, metrics in Prometheus text, heartbeats by secret URL", async () => {
    expect((await get("/healthz")).body).toEqual({ status: "ok" });
    const metrics = await app.request("/metrics");
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
    expect(await metrics.text()).toMatch(/^epicenter_observations_ingested_total \d+$/m);
    const beat = await app.request(`/api/v1/heartbeats/${HEARTBEAT_TOKEN}`, { method: "POST" });
    expect(beat.status).toBe(200);
    expect((await served.store.lastHeartbeats()).get("acme/reports#1")).toBeGreaterThan(0);
    expect((await app.request("/api/v1/heartbeats/not-a-token")).status).toBe(404);
    expect((await app.request("/api/v1/heartbeats/%00%2F..")).status).toBe(404);
  });

  it("404 for an unknown route, 405 with Allow for a known path and another method, both in the error shape", async () => {
    const missing = await get("/api/v1/nothing");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const wrong = await app.request("/api/v1/incidents", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });

  it("the OpenAPI document lists exactly the routes the app serves", async () => {
    const { body: doc } = await get("/api/v1/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      // A slashes parameter's pattern goes; one that ends its segment with a suffix (`:component{.+\.svg}`,
      // route-table's honoPath) keeps the suffix, as the document writes it (`{component}.svg`).
      .map((r) => `${r.method} ${r.path.replace(/\{\.\+(?:\\(\.\w+))?\}/g, "$1")}`);
    expect(new Set(served).size).toBe(apiRoutes({ streamHeartbeatMs: 1 }).length);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    const ingest = doc.paths["/api/v1/observations"].post;
    const item = ingest.requestBody.content["application/json"].schema.properties.observations.items;
    expect(item.properties.status.enum).toEqual(["up", "degraded", "down"]);
    const params = doc.paths["/api/v1/observations"].get.parameters.map((p: Loose) => p.name);
    expect(params).toEqual(["component", "vantage", "from", "to", "limit"]);
  });
});
