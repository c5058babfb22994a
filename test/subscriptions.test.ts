/**
 * Status-page subscriptions end to end: a real hub (in-memory bus, SQLite), the real API, a real SMTP server
 * on loopback and a real webhook receiver. An e-mail subscriber confirms through the link mailed to it, hears
 * of a real incident with an unsubscribe link, follows it and hears nothing more, while a webhook subscriber
 * (confirmed by answering the challenge) hears the resolve. Hostile bodies on the public POST get 400s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Hono } from "hono";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { DeliveryOutcome } from "../src/notify/channel-delivery.js";
import { follows, publicIncident } from "../src/notify/subscription-message.js";
import { Subscriptions } from "../src/notify/subscriptions.js";
import type { Check } from "../src/probe/check-types.js";
import { createApp } from "../src/server/server-app.js";
import { subscribeResponse } from "../src/server/subscription-routes.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { incidentFixture } from "./notify-fixtures.js";

const services = ["shop/a", "shop/b", "shop/c"];
const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
const httpCheck = (component: string): Check => ({
  type: "http",
  id: `${component}#1`,
  component,
  intervalMs: 10_000,
  timeoutMs: 3000,
  vantages: [],
  confirm: 0,
  url: `http://127.0.0.1:1/${component}`,
  method: "GET",
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: true,
  maxRedirects: 5,
  tlsVerify: true,
});
const model: HubModel = {
  components: [comp("cloud/r1"), ...services.map((s) => comp(s, ["cloud/r1"], true))],
  vantages: ["vantage/x", "vantage/y"],
  checks: services.map(httpCheck),
};
const BASE = "http://status.test";

interface Mail {
  to: string[];
  /** Quoted-printable undone, header folds joined. */
  text: string;
}

/** Undoes quoted-printable soft breaks and escapes, and header folding, so links and headers read whole. */
function readable(data: string): string {
  return data
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\r\n[ \t]+/g, " ");
}

let dir: string;
let now = 1_800_000_000_000;
let store: Store;
let hub: ReplicatedHub;
let app: Hono;
let subscriptions: Subscriptions;
let smtp: SMTPServer;
const mails: Mail[] = [];
let hook: Server;
let hookUrl: string;
const hooked: { event?: string; unsubscribe?: string; type: string; affected?: string[] }[] = [];
const sent: Promise<DeliveryOutcome[]>[] = [];

async function waitFor(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!what()) throw new Error(`timed out waiting for ${label}`);
}

async function round(status: Observation["status"]): Promise<void> {
  const batch: Observation[] = [];
  for (const v of model.vantages)
    for (const s of services)
      batch.push({
        id: `${v}:${s}:${now}`,
        at: now + 1000,
        vantage: v,
        component: s,
        check: `${s}#1`,
        status,
        latencyMs: 12,
        errorClass: status === "down" ? "http-5xx" : null,
      });
  await hub.ingest(batch);
  await new Promise((r) => setImmediate(r));
  now += 10_000;
  await hub.tick();
}

function post(body: unknown, raw?: string) {
  return app.request("/status/api/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
}

const pathOf = (url: string) => url.slice(BASE.length);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-subs-"));
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          text: readable(Buffer.concat(chunks).toString("utf8")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  // A webhook receiver that answers the challenge with its value, and records notices.
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        type: string;
        challenge?: string;
      };
      hooked.push(body);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ challenge: body.challenge }));
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  store = await openStore({ dataDir: dir });
  subscriptions = new Subscriptions({
    settings: {
      email: { smtp: { host: "127.0.0.1", port: smtpPort, secure: false }, from: "status@shop.test" },
      webhooks: true,
      max: 40,
    },
    store,
    baseUrl: () => BASE,
    clock: () => now,
    backoff: { firstMs: 10, maxMs: 20, attempts: 2 },
    shown: () => new Set(services),
  });
  hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model,
    clock: () => now,
    tickMs: 3_600_000,
    onIncident: (e) => {
      sent.push(subscriptions.notify(e));
    },
  });
  await hub.start();
  app = createApp({ hub, auth: { anonymousRead: false }, subscriptions, webRoot: null, now: () => now });
}, 30_000);

afterAll(async () => {
  await hub?.stop();
  await subscriptions?.drain(1000);
  await store?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  hook.closeAllConnections();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("status-page subscriptions on a real hub", () => {
  it("says which kinds it takes", async () => {
    const res = await app.request("/status/api/subscriptions");
    expect(await res.json()).toEqual({ email: true, webhook: true });
  });

  it("confirms by mail, notifies of a real incident with an unsubscribe link, and stops after it is followed", async () => {
    const made = await post({ email: "ops@shop.test", components: ["shop/a"] });
    expect(made.status).toBe(202);
    const answer = subscribeResponse.parse(await made.json());
    expect(answer.subscription).toMatchObject({ kind: "email", status: "pending", components: ["shop/a"] });
    expect(answer.message).toMatch(/mailbox/);
    await waitFor(() => mails.length === 1, "the confirmation mail");
    const confirmation = mails[0]!;
    expect(confirmation.to).toEqual(["ops@shop.test"]);
    expect(confirmation.text).toContain("Subject: Confirm your subscription");
    const link = /http:\/\/status\.test\/status\/subscriptions\/confirm\?token=[A-Za-z0-9_-]+/.exec(
      confirmation.text,
    )?.[0];
    expect(link).toBeDefined();
    // The store holds only the token's hash, never the token itself.
    const token = new URL(link!).searchParams.get("token")!;
    expect(JSON.stringify(await store.subscriptions.listConfirmedSubscriptions())).not.toContain(token);

    // Pending: an incident now would tell nobody. Confirmed once; the link works once.
    const confirmed = await app.request(pathOf(link!));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Subscription confirmed");
    expect((await app.request(pathOf(link!))).status).toBe(404);

    // A webhook for every component, confirmed by answering the challenge.
    const webhook = await post({ webhook: hookUrl });
    expect(webhook.status).toBe(201);
    const hookAnswer = subscribeResponse.parse(await webhook.json());
    expect(hookAnswer.subscription.status).toBe("confirmed");
    expect(hooked.map((h) => h.type)).toEqual(["epicenter.subscription.challenge"]);

    for (let i = 0; i < 6; i++) await round("down");
    await Promise.all(sent);
    await waitFor(() => mails.length === 2, "the incident notice");
    const notice = mails[1]!;
    expect(notice.to).toEqual(["ops@shop.test"]);
    expect(notice.text).toMatch(/Subject: .*likely failing/);
    const unsubscribe =
      /Unsubscribe: (http:\/\/status\.test\/status\/subscriptions\/unsubscribe\?token=[A-Za-z0-9_-]+)/.exec(
        notice.text,
      )?.[1];
    expect(unsubscribe).toBeDefined();
    expect(notice.text).toContain(`List-Unsubscribe: <${unsubscribe}>`);
    expect(hooked.filter((h) => h.type === "epicenter.incident").map((h) => h.event)).toEqual(["opened"]);
    expect(hooked.at(-1)?.affected?.length).toBeGreaterThan(0);
    for (const c of hooked.at(-1)?.affected ?? []) expect(services).toContain(c);
    expect(hooked.at(-1)?.unsubscribe).toMatch(
      /^http:\/\/status\.test\/status\/subscriptions\/unsubscribe\?token=/,
    );

    const left = await app.request(pathOf(unsubscribe!));
    expect(left.status).toBe(200);
    expect(await left.text()).toContain("Unsubscribed");
    expect((await app.request(pathOf(unsubscribe!))).status).toBe(404);

    for (let i = 0; i < 12 && hub.openIncidents.length > 0; i++) await round("up");
    expect(hub.openIncidents).toEqual([]);
    await Promise.all(sent);
    // The webhook heard the resolve; the address that left heard nothing more.
    await waitFor(() => hooked.some((h) => h.event === "resolved"), "the webhook's resolve");
    expect(mails).toHaveLength(2);
  });

  it("delivers after a restart the resolve a subscriber was owed, once", async () => {
    const made = subscribeResponse.parse(await (await post({ webhook: `${hookUrl}?owed` })).json());
    const owed = incidentFixture({ id: "inc-owed", resolvedAt: now - 60_000, affected: ["shop/b"] });
    await store.saveIncident(owed);
    // What a replica that died after delivering the opening leaves in the store.
    await store.setAlertState({
      incidentId: owed.id,
      channel: `subscription/${made.subscription.id}`,
      delivered: "opened",
      digest: "aws/us-east-1",
      at: now - 120_000,
    });
    const outcomes = await subscriptions.resume();
    expect(outcomes.map((o) => [o.incidentId, o.event, o.delivered])).toEqual([
      ["inc-owed", "resolved", true],
    ]);
    expect(
      hooked.filter((h) => (h as { incidentId?: string }).incidentId === "inc-owed").map((h) => h.event),
    ).toEqual(["resolved"]);
    expect(await subscriptions.resume()).toEqual([]);
  });

  it("refuses a webhook the target guard refuses (cloud metadata), and one that does not answer the challenge", async () => {
    const metadata = await post({ webhook: "http://169.254.169.254/latest/meta-data/" });
    expect(metadata.status).toBe(400);
    const body = (await metadata.json()) as { error: { code: string; message: string; path: string } };
    expect(body.error).toMatchObject({ code: "webhook_challenge", path: "webhook" });
    expect(body.error.message).toMatch(/link-local/);
    const silent = createServer((_req, res) => res.writeHead(200).end("ok"));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const res = await post({ webhook: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /without the challenge/,
      );
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses unknown components by index, and links that are not tokens", async () => {
    const res = await post({ email: "x@shop.test", components: ["shop/a", "cloud/r1"] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe("components[1]");
    expect((await app.request("/status/subscriptions/confirm?token=<script>")).status).toBe(400);
    expect((await app.request(`/status/subscriptions/unsubscribe?token=${"a".repeat(43)}`)).status).toBe(404);
  });

  it("subscribing an address again replaces its earlier subscription once the new one is confirmed", async () => {
    const confirmLink = async (count: number) => {
      await waitFor(() => mails.length === count, `confirmation mail ${count}`);
      return /\/status\/subscriptions\/confirm\?token=[A-Za-z0-9_-]+/.exec(mails[count - 1]!.text)![0];
    };
    const before = mails.length;
    expect((await post({ email: "Dup@Shop.test", components: ["shop/a"] })).status).toBe(202);
    expect((await app.request(await confirmLink(before + 1))).status).toBe(200);
    expect((await post({ email: "dup@shop.test" })).status).toBe(202);
    const mine = async () =>
      (await store.subscriptions.listConfirmedSubscriptions()).filter((s) => s.target === "dup@shop.test");
    // Until the second link is followed, the first subscription stands.
    expect((await mine()).map((s) => s.components)).toEqual([["shop/a"]]);
    expect((await app.request(await confirmLink(before + 2))).status).toBe(200);
    expect((await mine()).map((s) => s.components)).toEqual([[]]);
  });

  it("throttles one address: 429 with Retry-After after ten attempts within the hour", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post({ email: `t${i}@shop.test` })).status);
    // The earlier cases spent some of this address's ten already; what remains is then refused.
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeGreaterThan(0);
    expect(statuses.slice(statuses.indexOf(429)).every((s) => s === 429)).toBe(true);
    const refused = await post({ email: "late@shop.test" });
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("answers hostile bodies with 400 and a reason, never a 500", async () => {
    const hostile = fc.oneof(
      fc.anything().map((v) => ({ raw: undefined as string | undefined, body: v })),
      fc.string().map((s) => ({ raw: s, body: undefined })),
      fc
        .record(
          {
            // Never a whole address: a valid one would rightly be taken (202), not refused.
            email: fc.oneof(
              fc.string().filter((t) => !t.includes("@")),
              fc.integer(),
              fc.constant(null),
              fc.string().map((t) => `${t}@`),
            ),
            webhook: fc.oneof(
              fc.string(),
              fc.webUrl().map((u) => u.replace(/^https?/, "ftp")),
              fc.constant(""),
            ),
            components: fc.oneof(fc.array(fc.string()), fc.string(), fc.array(fc.integer())),
            extra: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((b) => ({ raw: undefined as string | undefined, body: b })),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async ({ raw, body }) => {
        const res = await post(body, raw ?? (body === undefined ? "" : undefined));
        const json = (await res.json()) as { error?: { code: string; message: string } };
        expect(res.status).toBe(400);
        expect(json.error?.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe("who hears of an incident", () => {
  it("hears only of the status page's own services as affected", () => {
    const incident = incidentFixture({ affected: ["acme/api", "acme/internal-db", "acme/web"] });
    const shown = publicIncident(incident, new Set(["acme/api", "acme/web"]));
    expect(shown.affected).toEqual(["acme/api", "acme/web"]);
    expect({ ...shown, affected: incident.affected }).toEqual(incident);
    expect(follows(["acme/internal-db"], shown)).toBe(false);
  });

  it("a subscriber to no components hears of all; others when a component of theirs is affected or named", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom("aws/us-east-1", "acme/api", "acme/web", "x/y", "gcp/eu"), {
          maxLength: 4,
        }),
        (components) => {
          const incident = incidentFixture({
            affected: ["acme/api", "acme/web"],
            epicenter: [{ component: "aws/us-east-1", confidence: 0.9 }],
            history: [{ at: 0, epicenter: [{ component: "gcp/eu", confidence: 0.5 }] }],
          });
          const touched = ["acme/api", "acme/web", "aws/us-east-1", "gcp/eu"];
          expect(follows(components, incident)).toBe(
            components.length === 0 || components.some((c) => touched.includes(c)),
          );
        },
      ),
    );
  });
});
