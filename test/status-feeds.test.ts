/**
 * The status page's Atom and RSS feeds through the real app on a real hub (SQLite, the example model, a
 * resolved and an open incident from a previous run): well-formed XML (parsed with saxes, the parser the feed
 * reader uses) with the elements each format requires, one entry per update titled with the named cause,
 * resolved ones marked, third-party names escaped, public and cacheable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/server-app.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";
import { all, child, parseXml, type XmlNode } from "./xml-tree.js";

const T0 = Date.parse("2026-11-20T09:00:00Z");
const ATOM = "http://www.w3.org/2005/Atom";
const HOSTILE = `AWS <&"'> us-east-1`;

let served: ServerHub;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  served = await openServerHub({
    now: T0 + 3 * 3_600_000,
    incidents: [
      incident("inc-old", T0, T0 + 30 * 60_000, "aws/us-east-1"),
      incident("inc-new", T0 + 2 * 3_600_000, null, "fastly/cdn"),
    ],
  });
  // A provider's name as a config may write it: it must stay text in the feeds.
  await served.hub.reload({
    ...served.model,
    components: served.model.components.map((c) => (c.id === "aws/us-east-1" ? { ...c, name: HOSTILE } : c)),
  });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
});

afterAll(async () => {
  await served?.close();
});

async function fetchFeed(path: string) {
  const res = await app.request(path);
  const body = await res.text();
  return { res, body, xml: parseXml(body) };
}

const texts = (node: XmlNode, name: string) => all(node, name).map((n) => n.text);

describe("the Atom feed", () => {
  it("is Atom 1.0 with the required elements, one entry per update, newest first", async () => {
    const { res, xml } = await fetchFeed("/status/feed.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(xml.name).toBe("feed");
    expect(xml.uri).toBe(ATOM);
    for (const required of ["id", "title", "updated"]) expect(child(xml, required).text).not.toBe("");
    expect(child(child(xml, "author"), "name").text).toBe("Epicenter");
    const self = xml.children.find((n) => n.name === "link" && n.attributes.rel === "self");
    expect(self?.attributes.href).toMatch(/\/status\/feed\.atom$/);
    const entries = all(xml, "entry");
    expect(entries.map((e) => child(e, "title").text)).toEqual([
      "Investigating: Fastly CDN is likely failing",
      `Resolved: ${HOSTILE} is likely failing`,
      `Investigating: ${HOSTILE} is likely failing`,
    ]);
    for (const e of entries) {
      expect(child(e, "id").text).toMatch(/^urn:epicenter:incident:inc-(old|new):update:/);
      expect(Date.parse(child(e, "updated").text)).not.toBeNaN();
      expect(child(e, "link").attributes.href).toMatch(/\/status#incident-inc-(old|new)$/);
    }
    expect(child(xml, "updated").text).toBe(child(entries[0]!, "updated").text);
    expect(new Set(entries.map((e) => child(e, "id").text)).size).toBe(3);
    // Resolved ones are marked: every entry of the resolved incident, none of the open one.
    expect(
      entries.map((e) => e.children.some((n) => n.name === "category" && n.attributes.term === "resolved")),
    ).toEqual([false, true, true]);
    expect(child(entries[2]!, "content").text).toMatch(
      /^The likely cause is AWS <&"'> us-east-1 \(90% confidence\)\. Affected: Public API, /,
    );
  });

  it("escapes third-party text instead of writing it as markup", async () => {
    const { body } = await fetchFeed("/status/feed.atom");
    expect(body).toContain("AWS &lt;&amp;&quot;&apos;&gt; us-east-1");
    expect(body).not.toContain(HOSTILE);
  });
});

describe("the RSS feed", () => {
  it("is RSS 2.0 with the required channel and item elements, resolved ones marked", async () => {
    const { res, xml, body } = await fetchFeed("/status/feed.rss");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(xml.name).toBe("rss");
    expect(xml.attributes.version).toBe("2.0");
    const channel = child(xml, "channel");
    for (const required of ["title", "link", "description"])
      expect(child(channel, required).text).not.toBe("");
    const items = all(channel, "item");
    expect(texts(channel, "title").slice(1)).toEqual([
      "Investigating: Fastly CDN is likely failing",
      `Resolved: ${HOSTILE} is likely failing`,
      `Investigating: ${HOSTILE} is likely failing`,
    ]);
    for (const item of items) {
      expect(child(item, "guid").attributes.isPermaLink).toBe("false");
      // RFC 822 dates, as RSS 2.0 asks: "Fri, 20 Nov 2026 11:00:00 GMT".
      expect(child(item, "pubDate").text).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
    expect(items.map((i) => texts(i, "category"))).toEqual([[], ["resolved"], ["resolved"]]);
    expect(body).not.toContain(HOSTILE);
  });
});

describe("both feeds", () => {
  it("are public and cacheable, with an ETag that answers 304", async () => {
    for (const path of ["/status/feed.atom", "/status/feed.rss"]) {
      const res = await app.request(path); // no token: the app refuses anonymous reads elsewhere
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=60");
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await app.request(path, { headers: { "if-none-match": `W/${etag}` } });
      expect(again.status).toBe(304);
    }
    expect((await app.request("/api/v1/incidents")).status).toBe(401);
  });
});
