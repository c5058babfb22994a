import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoveryService, guardedTls } from "../src/discover/discovery-service.js";
import type { TlsFacts } from "../src/discover/discovery-types.js";
import { DEFAULT_PROBE_POLICY } from "../src/probe/target-guard.js";
import { createToken } from "../src/server/auth-tokens.js";
import { createApp } from "../src/server/server-app.js";
import type { Store } from "../src/store/store.js";
import { openServerHub, type ServerHub } from "./server-hub.js";
import { tableDns } from "./table-dns.js";

let served: ServerHub;
let hub: ServerHub["hub"];
let store: Store;
let editor: string;
let viewer: string;
beforeAll(async () => {
  served = await openServerHub();
  hub = served.hub;
  store = served.store;
  editor = (await createToken(store, { name: "e", role: "editor", now: Date.now() })).secret;
  viewer = (await createToken(store, { name: "v", role: "viewer", now: Date.now() })).secret;
});
afterAll(async () => {
  await served.close();
});

const dns = tableDns({
  "cdn.test": { NS: ["anna.ns.cloudflare.com", "bob.ns.cloudflare.com"] },
  "www.cdn.test": { CNAME: "d111abc.cloudfront.net" },
  "d111abc.cloudfront.net": { A: ["13.224.0.5"] },
});

describe("POST /api/v1/discover", () => {
  const post = (secret: string, body: unknown) =>
    createApp({
      hub,
      auth: { anonymousRead: true },
      discovery: discoveryService({ dns, tls: null }),
    }).request("/api/v1/discover", {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers what `epicenter discover --json` prints: requires in model syntax, each with its evidence", async () => {
    const res = await post(editor, { domains: ["CDN.test."] });
    expect(res.status).toBe(200);
    const out = (await res.json()) as {
      domains: { domain: string; requires: unknown[]; evidence: { component?: string; record: string }[] }[];
    };
    const d = out.domains.find((x) => x.domain === "cdn.test")!;
    expect(d.requires).toEqual(expect.arrayContaining(["cloudflare/dns", "aws/cloudfront"]));
    expect(d.evidence).toContainEqual(
      expect.objectContaining({
        component: "aws/cloudfront",
        record: "www.cdn.test CNAME d111abc.cloudfront.net",
      }),
    );
  });

  it("is an editor's action, and says which domain is not one", async () => {
    expect((await post(viewer, { domains: ["cdn.test"] })).status).toBe(403);
    const bad = await post(editor, { domains: ["cdn.test", "not a domain"] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe("domains[1]");
    expect((await post(editor, { domains: Array.from({ length: 21 }, (_, i) => `d${i}.test`) })).status).toBe(
      400,
    );
  });
});

describe("certificate reads for discovery", () => {
  it("never connect where the target guard refuses (metadata, link-local), and pass the rest through", async () => {
    const asked: string[] = [];
    const inspect = async (_host: string, address: string): Promise<TlsFacts> => {
      asked.push(address);
      return { issuer: "Test CA", sans: [], ocspUrls: [], stapled: false } as unknown as TlsFacts;
    };
    const tls = guardedTls(DEFAULT_PROBE_POLICY, inspect);
    await expect(tls("evil.test", "169.254.169.254")).rejects.toThrow(/target guard/);
    await expect(tls("evil.test", "fe80::1")).rejects.toThrow(/target guard/);
    await tls("ok.test", "192.0.2.10");
    expect(asked).toEqual(["192.0.2.10"]);
  });
});
