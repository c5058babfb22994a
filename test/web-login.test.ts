/**
 * Password login in a real browser against a hub whose reads are closed: `epicenter serve`'s composition with
 * a config that lists a user (its scrypt hash made by `epicenter password-hash`'s function). The dashboard
 * sends a stranger to the login page, refuses a wrong password, lets the user in with a session token kept
 * for the tab, and logging out revokes that token on the hub.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { hashPassword } from "../src/server/password-hash.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";

let dir: string;
let running: HubProcess;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

describe.skipIf(browserMissing("web-login"))("password login on a hub with closed reads", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-login-"));
    mkdirSync(join(dir, "data"));
    const hash = await hashPassword("erin-secret-9");
    const config = join(dir, "epicenter.yaml");
    writeFileSync(
      config,
      [
        "vantages: [probe/local]",
        "components:",
        "  - { id: acme/site, observed: true, requires: [aws/us-east-1] }",
        "server:",
        "  users:",
        `    - { name: erin, role: viewer, passwordHash: "${hash}" }`,
        "",
      ].join("\n"),
    );
    running = await startHubProcess({
      configFile: config,
      dataDir: join(dir, "data"),
      port: 0,
      host: "127.0.0.1",
      log: () => {},
      warn: () => {},
    });
    expect(running.anonymousRead).toBe(false);
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sends a stranger to log in, refuses a wrong password, admits erin, and logout revokes her session", async () => {
    await page.goto(`${running.url}/`);
    await page.waitForURL(/\/login\?next=/, { timeout: 15_000 });
    await page.getByRole("textbox", { name: "Name" }).fill("erin");
    await page.getByLabel("Password", { exact: true }).fill("not-erins-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/unknown user or wrong password/);

    await page.getByLabel("Password", { exact: true }).fill("erin-secret-9");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator("main").textContent(), { timeout: 15_000 }).toMatch(/services/i);
    const secret = (await page.evaluate("sessionStorage.getItem('epicenter.token')")) as string;
    expect(secret).toMatch(/^ept_/);
    const tokens = await running.store.listTokens();
    expect(tokens.find((t) => t.name === "session:erin")?.role).toBe("viewer");
    const states = () =>
      fetch(`${running.url}/api/v1/states`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await states()).status).toBe(200);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate("sessionStorage.getItem('epicenter.token')")).toBeNull();
    const after = await states();
    expect(after.status).toBe(401);
    expect(await after.text()).toContain("token revoked");
    expect(problems).toEqual([]);
  }, 60_000);
});
