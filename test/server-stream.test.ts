/**
 * The server on a real socket: the live stream read by a real HTTP client (fetch, streaming), events pushed
 * through the hub reach it, and the hub subscription is released when the client goes away.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createToken } from "../src/server/auth-tokens.js";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";

let served: ServerHub;
let hub: ServerHub["hub"];
let server: Listening;
let viewer: string;

beforeAll(async () => {
  served = await openServerHub({
    incidents: [incident("inc-live", Date.parse("2021-12-07T15:31:00Z"), null)],
  });
  hub = served.hub;
  viewer = (await createToken(served.store, { name: "dashboard", role: "viewer", now: Date.now() })).secret;
  const app = createApp({ hub, auth: { anonymousRead: false }, streamHeartbeatMs: 50 });
  server = await listen(app, { port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server?.close();
  await served?.close();
});

/** Reads SSE frames (blank-line separated) from a streaming response body. */
class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next frame for which `match` holds, skipping others; null when the stream ends first. */
  async next(match: (frame: string) => boolean): Promise<string | null> {
    for (;;) {
      let end = this.#buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        if (match(frame)) return frame;
        end = this.#buffer.indexOf("\n\n");
      }
      const { done, value } = await this.#reader.read();
      if (done) return null;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }
}

function dataOf(frame: string): unknown {
  const line = frame.split("\n").find((l) => l.startsWith("data: "));
  return JSON.parse(line!.slice("data: ".length));
}

describe("the live stream over a real socket", () => {
  it("delivers incident and state events as SSE and releases the subscription on disconnect", async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/v1/stream`, {
      headers: { authorization: `Bearer ${viewer}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const frames = new FrameReader(res.body!);
    expect(await frames.next((f) => f.includes(": subscribed"))).toContain("retry: 5000");
    expect(hub.subscribers).toBe(1);

    // Real events of the hub: an acknowledgement of its open incident, and the states a closed round changed.
    await hub.acknowledge("inc-live", "dora");
    await served.ingest([observation("live-1", served.now - 1000)]);
    served.now += hub.roundMs + 5_000;
    await hub.tick();
    const incidentFrame = await frames.next((f) => f.startsWith("event: incident"));
    expect(dataOf(incidentFrame!)).toMatchObject({
      action: "acknowledged",
      incident: {
        id: "inc-live",
        openedAt: "2021-12-07T15:31:00.000Z",
        epicenter: [{ component: "aws/us-east-1", confidence: 0.9 }],
        history: [{ at: "2021-12-07T15:31:00.000Z" }],
        acknowledgedBy: "dora",
      },
    });
    const stateFrame = await frames.next((f) => f.startsWith("event: state"));
    const { states } = dataOf(stateFrame!) as { states: { component: string }[] };
    expect(states.find((x) => x.component === "acme/api")).toEqual({
      component: "acme/api",
      observed: [
        {
          vantage: "probe/us-east",
          status: "down",
          at: new Date(served.now - hub.roundMs - 6_000).toISOString(),
          errorClass: "http-5xx",
        },
      ],
      belief: "affected",
      incidentId: "inc-live",
    });
    expect(await frames.next((f) => f === ": keep-alive")).toBe(": keep-alive");

    abort.abort();
    await vi.waitFor(() => expect(hub.subscribers).toBe(0), { timeout: 5000 });
  });

  it("takes the token from ?access_token= (EventSource cannot send headers), refuses without one", async () => {
    const denied = await fetch(`${server.url}/api/v1/stream`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Bearer");
    await denied.body?.cancel();

    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/v1/stream?access_token=${viewer}`, { signal: abort.signal });
    expect(res.status).toBe(200);
    const frames = new FrameReader(res.body!);
    await frames.next((f) => f.includes(": subscribed"));
    hub.rejectConfig("epicenter.yaml:3 components[0].id: invalid id");
    const frame = await frames.next((f) => f.startsWith("event: config"));
    expect(dataOf(frame!)).toEqual({
      action: "rejected",
      message: "epicenter.yaml:3 components[0].id: invalid id",
    });
    abort.abort();
    await vi.waitFor(() => expect(hub.subscribers).toBe(0), { timeout: 5000 });
  });

  it("answers JSON errors over the socket too, and closing the server ends open streams", async () => {
    const huge = await fetch(`${server.url}/api/v1/whatif`, {
      method: "POST",
      headers: { authorization: `Bearer ${viewer}`, "content-type": "application/json" },
      body: JSON.stringify({ failed: ["x".repeat(100 * 1024)] }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");

    const app = createApp({ hub, auth: { anonymousRead: true } });
    const second = await listen(app, { port: 0, host: "127.0.0.1" });
    const res = await fetch(`${second.url}/api/v1/stream`);
    const frames = new FrameReader(res.body!);
    await frames.next((f) => f.includes(": subscribed"));
    expect(hub.subscribers).toBe(1);
    await second.close();
    await expect(frames.next(() => false)).rejects.toThrow();
    await vi.waitFor(() => expect(hub.subscribers).toBe(0), { timeout: 5000 });
  });
});

describe("the live stream ends when its token stops being valid", () => {
  // A fake clock for expiry; revocation and logout go through the real store. The recheck runs every 20 ms.
  let clock = Date.parse("2021-12-07T15:00:00Z");
  let app: Listening;
  beforeAll(async () => {
    app = await listen(
      createApp({ hub, auth: { anonymousRead: true }, now: () => clock, streamRecheckMs: 20 }),
      { port: 0, host: "127.0.0.1" },
    );
  });
  afterAll(() => app?.close());

  async function openStream(secret?: string): Promise<FrameReader> {
    const res = await fetch(`${app.url}/api/v1/stream${secret ? `?access_token=${secret}` : ""}`);
    expect(res.status).toBe(200);
    const frames = new FrameReader(res.body!);
    await frames.next((f) => f.includes(": subscribed"));
    return frames;
  }
  const mint = (role: "viewer" | "admin", expiresInMs?: number) =>
    createToken(served.store, {
      name: `stream-${role}`,
      role,
      now: clock,
      ...(expiresInMs === undefined ? {} : { expiresInMs }),
    });
  /** The closing frame's reason, then the end of the stream (null: no more frames). */
  async function closing(frames: FrameReader): Promise<unknown> {
    const frame = await frames.next((f) => f.startsWith("event: closed"));
    expect(frame).not.toBeNull();
    expect(await frames.next(() => true)).toBeNull();
    return dataOf(frame!);
  }

  it("closes a stream whose token is revoked through the API", async () => {
    const admin = (await mint("admin")).secret;
    const { token, secret } = await mint("viewer");
    const frames = await openStream(secret);
    const revoked = await fetch(`${app.url}/api/v1/tokens/${token.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.status).toBeLessThan(300);
    expect(await closing(frames)).toEqual({ reason: "token revoked" });
    await vi.waitFor(() => expect(hub.subscribers).toBe(0), { timeout: 5000 });
  });

  it("closes a stream whose token expires, and one whose session logs out", async () => {
    const expiring = await openStream((await mint("viewer", 60_000)).secret);
    const { secret } = await mint("viewer");
    const loggedOut = await openStream(secret);
    clock += 60_000;
    expect(await closing(expiring)).toEqual({ reason: "token expired" });
    const logout = await fetch(`${app.url}/api/v1/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(logout.status).toBe(204);
    expect(await closing(loggedOut)).toEqual({ reason: "token revoked" });
  });

  it("keeps streams of live tokens and anonymous readers open through many rechecks", async () => {
    const live = await openStream((await mint("viewer")).secret);
    const anonymous = await openStream();
    // Keep-alives come every 50 ms on the first app only; here, count recheck rounds through events instead.
    for (let round = 0; round < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      hub.rejectConfig(`round ${round}`);
      for (const frames of [live, anonymous])
        expect(await frames.next((f) => f.startsWith("event:"))).toContain(`round ${round}`);
    }
  });
});
