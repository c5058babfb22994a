/**
 * The Host allow-list against DNS rebinding: with server.publicUrl only its host is answered (plus loopback
 * names on a loopback connection, and /healthz), others get 421 with the reason; the status JSON's URL comes
 * from publicUrl or the address the connection reached, never from the Host header.
 */
import http from "node:http";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { formatIssue, SourceError } from "../src/model/model-errors.js";
import { listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { openServerHub, type ServerHub } from "./server-hub.js";

let served: ServerHub;
let hub: ServerHub["hub"];
beforeAll(async () => {
  served = await openServerHub();
  hub = served.hub;
});
afterAll(async () => {
  await served?.close();
});

const SUMMARY = "/status/api/v2/summary.json";
const PUBLIC = "https://Status.Acme.example/";

/** A request naming `host`, arriving on the socket end `local` as @hono/node-server's bindings carry it. */
function get(
  app: ReturnType<typeof createApp>,
  path: string,
  host: string | undefined,
  local = { localAddress: "10.0.0.5", localPort: 8080 },
) {
  return app.request(path, host === undefined ? {} : { headers: { host } }, {
    incoming: { socket: { remoteAddress: "192.0.2.7", ...local } },
  });
}

const pageUrl = async (res: Response) => ((await res.json()) as { page: { url: string } }).page.url;

describe("Host without server.publicUrl", () => {
  it("answers any Host but writes the address the connection reached, not the Host", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false }, webRoot: null });
    const res = await get(app, SUMMARY, "rebound.attacker.example");
    expect(res.status).toBe(200);
    expect(await pageUrl(res)).toBe("http://10.0.0.5:8080/status");
    const v6 = await get(app, SUMMARY, "x", { localAddress: "::ffff:127.0.0.1", localPort: 9 });
    expect(await pageUrl(v6)).toBe("http://127.0.0.1:9/status");
  });
});

describe("Host with server.publicUrl", () => {
  const app = () => createApp({ hub, auth: { anonymousRead: false }, webRoot: null, publicUrl: PUBLIC });

  it("answers its host, in any case and with its default port, and writes its URL", async () => {
    for (const host of ["status.acme.example", "STATUS.acme.example:443"]) {
      const res = await get(app(), SUMMARY, host);
      expect(res.status).toBe(200);
      expect(await pageUrl(res)).toBe("https://status.acme.example/status");
    }
  });

  it("refuses another Host, another port or none with 421 and the reason", async () => {
    for (const host of [
      "rebound.attacker.example",
      "status.acme.example:8443",
      "localhost:8080",
      undefined,
    ]) {
      const res = await get(app(), "/api/v1/states", host);
      expect(res.status).toBe(421);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("misdirected_request");
      expect(body.error.message).toContain("this hub answers at status.acme.example (server.publicUrl)");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("answers loopback names on a loopback connection, and /healthz to anyone", async () => {
    for (const host of ["localhost:8080", "127.0.0.1:8080", "[::1]:8080"]) {
      const res = await get(app(), SUMMARY, host, { localAddress: "127.0.0.1", localPort: 8080 });
      expect(res.status).toBe(200);
      expect(await pageUrl(res)).toBe("https://status.acme.example/status");
    }
    const rebound = await get(app(), SUMMARY, "attacker.example", {
      localAddress: "127.0.0.1",
      localPort: 80,
    });
    expect(rebound.status).toBe(421);
    expect((await get(app(), "/healthz", "10.0.0.5:8080")).status).toBe(200);
  });

  test.prop([fc.stringMatching(/^[\x21-\x7e]{0,40}$/)], { numRuns: 200 })(
    "answers any other Host with 421, never a 500",
    async (host) => {
      const res = await get(app(), SUMMARY, host);
      const ok = ["status.acme.example", "status.acme.example:443"].includes(host.toLowerCase());
      expect(res.status).toBe(ok ? 200 : 421);
    },
  );
});

/** A GET with a Host of our choosing (fetch may not set Host), answered by a real socket. */
function rawGet(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

describe("Host on a real socket", () => {
  it("reads the connection's own address for the URL and the loopback exemption", async () => {
    const open = await listen(createApp({ hub, auth: { anonymousRead: false }, webRoot: null }), {
      port: 0,
      host: "127.0.0.1",
    });
    const guarded = await listen(
      createApp({ hub, auth: { anonymousRead: false }, webRoot: null, publicUrl: PUBLIC }),
      { port: 0, host: "127.0.0.1" },
    );
    try {
      const echoed = await rawGet(`${open.url}${SUMMARY}`, "rebound.attacker.example");
      expect(JSON.parse(echoed.body).page.url).toBe(`${open.url}/status`);
      const port = new URL(guarded.url).port;
      expect((await rawGet(`${guarded.url}${SUMMARY}`, `localhost:${port}`)).status).toBe(200);
      expect((await rawGet(`${guarded.url}${SUMMARY}`, "status.acme.example")).status).toBe(200);
      const refused = await rawGet(`${guarded.url}${SUMMARY}`, "rebound.attacker.example");
      expect(refused.status).toBe(421);
      expect(refused.body).toContain("server.publicUrl");
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});

describe("server.publicUrl in epicenter.yaml", () => {
  const errors = (text: string) => {
    try {
      parseConfig("epicenter.yaml", text);
    } catch (error) {
      if (error instanceof SourceError) return error.issues.map(formatIssue);
      throw error;
    }
    return [];
  };

  it("keeps a URL without its trailing slash and refuses what is no public URL with file and line", () => {
    expect(parseConfig("epicenter.yaml", `server:\n  publicUrl: ${PUBLIC}\n`).server.publicUrl).toBe(
      "https://status.acme.example",
    );
    expect(errors("server:\n  publicUrl: ftp://status.acme.example\n")).toEqual([
      expect.stringMatching(/epicenter\.yaml:2.*server\.publicUrl.*http:\/\/ or https:\/\//),
    ]);
    expect(errors("server:\n  publicUrl: https://u:p@acme.example\n")[0]).toContain("credentials");
    expect(errors("server:\n  publicUrl: status.acme.example\n")[0]).toContain("absolute URL");
  });
});
