/** Shared by the browser tests: Debian's Chromium through playwright-core, and a current build of the dashboard. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** True (and says so once) when Chromium is absent outside CI; under CI=true a missing browser fails instead. */
export function browserMissing(suite: string): boolean {
  const missing = !existsSync(CHROMIUM) && process.env.CI !== "true";
  if (missing) console.log(`${suite}: skipped, ${CHROMIUM} is missing (apt-get install chromium)`);
  return missing;
}

/**
 * Chromium as the issue asks: headless, no sandbox or GPU, nothing phoning home, a fresh profile; in
 * `timezoneId` (an IANA zone) when a test reads times in the reader's zone, else the machine's.
 */
export async function launchChromium(
  profile: string,
  viewport = { width: 1280, height: 900 },
  options: { timezoneId?: string; locale?: string } = {},
) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...options,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The newest modification time under `dir`, ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  return latest;
}

/** Builds the dashboard when dist/web is missing or older than web/ (tests can run before `npm run build`). */
export function ensureWebBuild(): void {
  const index = join(ROOT, "dist", "web", "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, "web"))) return;
  execFileSync(
    join(ROOT, "node_modules", ".bin", "vite"),
    ["build", "--config", "web/vite.config.ts", "--logLevel", "warn"],
    { cwd: ROOT, stdio: "inherit" },
  );
}
