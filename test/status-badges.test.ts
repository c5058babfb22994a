/**
 * The status page's badges through the real app on a real hub (SQLite, the example model): the state of a
 * public service now and its uptime over the last days as SVG, their cache headers and validators, 404 for
 * a service the status page does not show, 400 for a bad `days`, and third-party names escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Observation } from "../src/model/observation.js";
import { createApp } from "../src/server/server-app.js";
import { observation, openServerHub, type ServerHub } from "./server-hub.js";
import { all, child, parseXml } from "./xml-tree.js";

const NOW = Date.parse("2026-11-20T12:30:00Z");
const YESTERDAY = Date.parse("2026-11-19T00:00:00Z");
const HOUR = 3_600_000;
const VANTAGES = ["probe/us-east", "probe/eu-west"];

let served: ServerHub;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  served = await openServerHub({ now: NOW });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
});

afterAll(async () => {
  await served?.close();
});

/** The badge's words: its two texts (label, message) and its accessible title, read from the parsed SVG. */
async function badge(path: string, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers });
  const body = await res.text();
  if (res.status !== 200) return { res, body };
  const svg = parseXml(body);
  return {
    res,
    body,
    texts: all(svg, "text").map((t) => t.text),
    title: child(svg, "title").text,
    fills: all(svg, "rect").map((r) => r.attributes.fill),
  };
}

const at = (vantage: string, when: number, status: Observation["status"], n: number) =>
  observation(`${vantage}-${when}-${n}`, when, {
    vantage,
    status,
    errorClass: status === "down" ? "http-5xx" : null,
  });

describe("the state badge", () => {
  it("says unknown before any check came back, then the state in a word and its colour", async () => {
    const before = await badge("/status/badge/acme/api.svg");
    expect(before.res.status).toBe(200);
    expect(before.texts).toEqual(["Public API", "unknown"]);
    expect(before.fills).toContain("#5c6670");

    await served.ingest(VANTAGES.map((v, i) => at(v, NOW - 1000, "up", i)));
    const up = await badge("/status/badge/acme/api.svg");
    expect(up.texts).toEqual(["Public API", "up"]);
    expect(up.title).toBe("Public API: up");
    expect(up.fills).toContain("#00734f");

    await served.ingest(VANTAGES.map((v, i) => at(v, NOW - 500, "down", i)));
    const down = await badge("/status/badge/acme/api.svg");
    expect(down.texts).toEqual(["Public API", "down"]);
    expect(down.fills).toContain("#c0262d");
  });

  it("is public SVG, cacheable for a minute, with an ETag that answers 304", async () => {
    const { res } = await badge("/status/badge/acme/api.svg");
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.request("/status/badge/acme/api.svg", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const other = await app.request("/status/badge/acme/api.svg", {
      headers: { "if-none-match": '"other"' },
    });
    expect(other.status).toBe(200);
  });

  it("answers 404 with a reason for a component the status page does not show", async () => {
    for (const path of ["/status/badge/acme/nope.svg", "/status/badge/aws/us-east-1.svg"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("not_found");
      expect(error.message).toMatch(
        /^no service \S+ on the status page; badges exist for the monitored services/,
      );
    }
  });
});

describe("the uptime badge", () => {
  beforeAll(async () => {
    // Yesterday: hours 0-9 up from both vantages, hour 10 down from one of them, then no vantage saw it.
    const batch: Observation[] = [];
    for (let h = 0; h <= 10; h++)
      for (const [i, v] of VANTAGES.entries())
        batch.push(at(v, YESTERDAY + h * HOUR + 60_000, h === 10 && i === 0 ? "down" : "up", h));
    await served.ingest(batch);
    await served.store.rollup(YESTERDAY, NOW);
  });

  it("is the share of the seen time up: a blind hour counts neither way", async () => {
    const res = await badge("/status/badge/acme/api/uptime.svg?days=2");
    expect(res.res.status).toBe(200);
    // Seen: 11 hours yesterday (10 up, one half up) and today's hour of the state badge's checks (half up).
    expect(res.texts).toEqual(["Public API uptime 2d", "91.66%"]);
    expect(res.fills).toContain("#c0262d");
    expect(res.res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.res.headers.get("etag")).toMatch(/^"[\w-]+"$/);
    // Nothing moved: the same badge, byte for byte (so its ETag holds).
    expect((await badge("/status/badge/acme/api/uptime.svg?days=2")).body).toBe(res.body);
  });

  it("defaults to 30 days and says unknown when no vantage saw the service", async () => {
    const seen = await badge("/status/badge/acme/api/uptime.svg");
    expect(seen.texts?.[0]).toBe("Public API uptime 30d");
    const blind = await badge("/status/badge/acme/checkout/uptime.svg");
    expect(blind.texts?.[1]).toBe("unknown");
    expect(blind.fills).toContain("#5c6670");
  });

  it("answers 400 for days outside 1..90 and 404 for a service the page does not show", async () => {
    for (const days of ["0", "91", "abc", "1.5", "-3"]) {
      const res = await app.request(`/status/badge/acme/api/uptime.svg?days=${days}`);
      expect(res.status, days).toBe(400);
      expect(((await res.json()) as { error: { path: string } }).error.path).toBe("days");
    }
    expect((await app.request("/status/badge/acme/api/uptime.svg?days=90")).status).toBe(200);
    expect((await app.request("/status/badge/aws/us-east-1/uptime.svg")).status).toBe(404);
  });
});

describe("third-party text", () => {
  it("is escaped: a name with < & \" ' stays text, and the SVG stays well-formed", async () => {
    const name = `Acme <&"'> API`;
    await served.hub.reload({
      ...served.model,
      components: served.model.components.map((c) => (c.id === "acme/api" ? { ...c, name } : c)),
    });
    const res = await badge("/status/badge/acme/api.svg");
    expect(res.body).toContain("Acme &lt;&amp;&quot;&apos;&gt; API");
    expect(res.body).not.toContain(name);
    expect(res.texts?.[0]).toBe(name);
    expect(res.title).toBe(`${name}: down`);
    const uptime = await badge("/status/badge/acme/api/uptime.svg");
    expect(uptime.texts?.[0]).toBe(`${name} uptime 30d`);
    expect(parseXml(uptime.body).attributes["aria-label"]).toBe(`${name} uptime 30d: ${uptime.texts?.[1]}`);
  });
});

describe("a service whose id ends in /uptime", () => {
  it("has a state badge, though its path reads like the uptime badge of the service above it", async () => {
    const api = served.model.components.find((c) => c.id === "acme/api")!;
    await served.hub.reload({
      ...served.model,
      components: [...served.model.components, { ...api, id: "acme/uptime", name: "Uptime probe" }],
    });
    const state = await badge("/status/badge/acme/uptime.svg");
    expect(state.res.status).toBe(200);
    expect(state.texts).toEqual(["Uptime probe", "unknown"]);
    // The uptime badge of a service that exists still wins its path.
    const uptime = await badge("/status/badge/acme/api/uptime.svg");
    expect(uptime.texts?.[0]).toMatch(/ uptime 30d$/);
    // Neither a service acme nor acme/nothing/uptime: still 404.
    expect((await badge("/status/badge/acme/nothing/uptime.svg")).res.status).toBe(404);
  });
});
