/**
 * Maintenance windows in the status page's Atom and RSS feeds through the real app on a real hub (SQLite,
 * the example model, a resolved incident from a previous run): a window completed two days ago, one in
 * progress and one scheduled, each made through the API, are entries beside the incident's, one per step
 * (scheduled, in progress, completed), newest first, marked with the category `maintenance`, linked to the
 * window on the page; their titles stay text. Parsed with saxes (test/xml-tree.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../src/server/auth-tokens.js";
import { createApp } from "../src/server/server-app.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";
import { all, child, parseXml, type XmlNode } from "./xml-tree.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-11-20T09:00:00Z");
const HOSTILE = `Switch <swap> & "cables"`;

let served: ServerHub;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  served = await openServerHub({
    now: T0 - 3 * DAY,
    incidents: [incident("inc-old", T0 - 5 * HOUR, T0 - 4 * HOUR, "aws/us-east-1")],
  });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
  const editor = (await createToken(served.store, { name: "ops", role: "editor", now: served.now })).secret;
  const make = async (title: string, components: string[], start: number, end: number) => {
    const res = await app.request("/api/v1/maintenances", {
      method: "POST",
      headers: { authorization: `Bearer ${editor}`, "content-type": "application/json" },
      body: JSON.stringify({
        title,
        components,
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
      }),
    });
    expect(res.status).toBe(201);
  };
  // Made three days before T0 (the API refuses windows already over), then the clock moves to T0.
  await make("Database upgrade", ["acme/api"], T0 - 2 * DAY, T0 - 2 * DAY + HOUR);
  await make(HOSTILE, ["acme/web", "acme/search"], T0 - HOUR, T0 + HOUR);
  await make("Search reindex", ["acme/search"], T0 + DAY, T0 + DAY + 2 * HOUR);
  served.now = T0;
});

afterAll(async () => {
  await served?.close();
});

const feed = async (path: string) => parseXml(await (await app.request(path)).text());
const at = (t: number) => new Date(t).toISOString();
const categories = (e: XmlNode) => all(e, "category");

describe("maintenance in the feeds", () => {
  it("Atom: one entry per step beside the incident's, newest first, marked and linked", async () => {
    const xml = await feed("/status/feed.atom");
    const entries = all(xml, "entry");
    const rows = entries.map((e) => [child(e, "title").text, child(e, "updated").text]);
    expect(rows.filter(([title]) => !/likely failing/.test(title!))).toEqual([
      [`Maintenance in progress: ${HOSTILE}`, at(T0 - HOUR)],
      ["Maintenance completed: Database upgrade", at(T0 - 2 * DAY + HOUR)],
      ["Maintenance in progress: Database upgrade", at(T0 - 2 * DAY)],
      // Announced when made (three days before T0), whatever the time of the request.
      ["Scheduled maintenance: Database upgrade", at(T0 - 3 * DAY)],
      [`Scheduled maintenance: ${HOSTILE}`, at(T0 - 3 * DAY)],
      ["Scheduled maintenance: Search reindex", at(T0 - 3 * DAY)],
    ]);
    // Newest first across incidents and maintenance alike.
    const times = rows.map(([, t]) => t!);
    expect(times).toEqual([...times].sort().reverse());
    expect(rows.some(([title]) => /likely failing/.test(title!))).toBe(true);
    for (const e of entries) {
      const planned = child(e, "id").text.startsWith("urn:epicenter:maintenance:");
      expect(categories(e).some((c) => c.attributes.term === "maintenance")).toBe(planned);
      if (planned) expect(child(e, "link").attributes.href).toMatch(/\/status#maintenance-mnt-[\w-]+$/);
    }
    expect(new Set(entries.map((e) => child(e, "id").text)).size).toBe(entries.length);
    const progress = entries.find((e) => child(e, "title").text === `Maintenance in progress: ${HOSTILE}`)!;
    expect(child(progress, "content").text).toBe("The maintenance is under way. Affected: Web shop, Search.");
  });

  it("RSS: the same items, category maintenance, titles escaped", async () => {
    const res = await app.request("/status/feed.rss");
    const body = await res.text();
    const items = all(child(parseXml(body), "channel"), "item");
    const planned = items.filter((i) => child(i, "guid").text.startsWith("urn:epicenter:maintenance:"));
    expect(planned.map((i) => child(i, "title").text)).toContain(`Maintenance in progress: ${HOSTILE}`);
    expect(planned).toHaveLength(6);
    for (const i of planned) expect(categories(i).map((c) => c.text)).toEqual(["maintenance"]);
    expect(body).toContain("Switch &lt;swap&gt; &amp; &quot;cables&quot;");
    expect(body).not.toContain(HOSTILE);
  });

  it("drops a completed window a week after it ended", async () => {
    served.now = T0 + 6 * DAY;
    const titles = all(await feed("/status/feed.atom"), "entry").map((e) => child(e, "title").text);
    expect(titles).not.toContain("Maintenance completed: Database upgrade");
    expect(titles).toContain("Maintenance completed: Search reindex");
    served.now = T0;
  });
});
