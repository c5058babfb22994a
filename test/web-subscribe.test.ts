/**
 * The status page's subscription form in a real browser (Debian's Chromium via playwright-core), served by the
 * real app over a real hub, with subscriptions on and a real SMTP server on loopback: the form is labelled,
 * submitting it says to check the mailbox and the confirmation mail arrives for the service ticked; a refusal
 * (the SMTP server bounces the address) is said as an alert; no serious or critical axe-core violation; and
 * a hub without subscriptions shows no form. Screenshots go to $EPICENTER_SCREENSHOTS (default: a temp folder).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Subscriptions } from "../src/notify/subscriptions.js";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";
import { openServerHub, type ServerHub } from "./server-hub.js";

const SHOTS = process.env.EPICENTER_SCREENSHOTS ?? join(tmpdir(), "epicenter-screenshots");

let dir: string;
let served: ServerHub;
let http: Listening;
let plain: Listening;
let subscriptions: Subscriptions;
let smtp: SMTPServer;
let browser: BrowserContext;
let page: Page;
const mails: { to: string[]; data: string }[] = [];
const problems: string[] = [];

describe.skipIf(browserMissing("web-subscribe"))("the status page's subscription form", () => {
  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-subscribe-"));
    smtp = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith("bounce@")) {
          const refused = new Error("mailbox unavailable") as Error & { responseCode: number };
          refused.responseCode = 550;
          callback(refused);
        } else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8").replace(/=\r\n/g, ""),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    served = await openServerHub();
    let base = "";
    subscriptions = new Subscriptions({
      settings: {
        email: { smtp: { host: "127.0.0.1", port, secure: false }, from: "status@acme.test" },
        webhooks: false,
        max: 10,
      },
      store: served.store,
      baseUrl: () => base,
    });
    const app = createApp({ hub: served.hub, auth: { anonymousRead: false }, subscriptions });
    http = await listen(app, { port: 0, host: "127.0.0.1" });
    base = http.url;
    plain = await listen(createApp({ hub: served.hub, auth: { anonymousRead: false } }), {
      port: 0,
      host: "127.0.0.1",
    });
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await plain?.close();
    await subscriptions?.drain(1000);
    await served?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("subscribes an address to a ticked service, says so, and the confirmation mail arrives", async () => {
    await page.goto(`${http.url}/status`);
    const form = page.getByRole("form", { name: "Get incident e-mails" });
    await form.waitFor();
    await page.getByLabel("E-mail address").fill("reader@acme.test");
    const group = page.getByRole("group", { name: /Only these services/ });
    const first = group.getByRole("checkbox").first();
    const name = (await first.evaluate((el) => el.parentElement?.textContent ?? "")).trim();
    await first.check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole("status")
            .filter({ hasText: /mailbox/ })
            .count(),
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await page.getByTestId("subscribe-said").textContent()).toMatch(
      /^Check your mailbox: follow the link/,
    );
    await expect.poll(() => mails.length, { timeout: 10_000 }).toBe(1);
    expect(mails[0]!.to).toEqual(["reader@acme.test"]);
    expect(mails[0]!.data).toContain("/status/subscriptions/confirm?token=3D");
    // The box ticked is the page's first service, and the mail names it.
    const summary = (await (await fetch(`${http.url}/status/api/v2/summary.json`)).json()) as {
      components: { id: string; name: string; group: boolean }[];
    };
    const service = summary.components.find((c) => !c.group)!;
    expect(name).toBe(service.name);
    expect(mails[0]!.data.replace(/\r\n[ \t]+/g, " ")).toContain(service.id);
    await page
      .getByRole("form", { name: "Get incident e-mails" })
      .screenshot({ path: join(SHOTS, "status-subscribe.png") });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
  });

  it("says a refusal as an alert, in the hub's words", async () => {
    await page.goto(`${http.url}/status`);
    await page.getByLabel("E-mail address").fill("bounce@acme.test");
    await page.getByRole("button", { name: "Subscribe" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toMatch(/^Not subscribed: the confirmation e-mail could not be sent/);
    expect(mails).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it("shows no form when the hub takes no subscriptions", async () => {
    await page.goto(`${plain.url}/status`);
    await page.getByTestId("status-feeds").waitFor();
    expect(await page.getByRole("form", { name: "Get incident e-mails" }).count()).toBe(0);
  });
});
