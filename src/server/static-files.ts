/**
 * The dashboard's files (the Vite build in dist/web) served by the same app as the API: hashed assets with
 * immutable cache headers, index.html for every other GET path the API does not own (the app routes on the
 * client), and a strict Content-Security-Policy on the HTML: scripts and styles only from this origin, nothing
 * inline. When the build is missing (tests run before `npm run build`), `/` says how to make it instead of failing.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, Hono } from "hono";

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // cytoscape inserts one fixed stylesheet (`.__________cytoscape_container { position: relative; }`): allowed by
  // its hash, nothing else inline.
  "style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

/** Paths the API owns: never answered with the dashboard, so a wrong API URL is a JSON 404, not HTML. */
const API_PATH = /^\/(api|status\/api)(\/|$)|^\/(metrics|healthz)$/;

/** dist/web of this package, found from this file's place (src/server in tests, dist/src/server when built). */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "web");
    dir = dirname(dir);
  }
  return resolve("dist", "web");
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Epicenter</title>
<p>The dashboard is not built. Run <code>npm run build</code> (it runs <code>vite build --config web/vite.config.ts</code>)
and reload. The API is up: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>`;

/** Mounts the dashboard on `app` after its API routes; `root` is the folder holding index.html and assets/. */
export function mountStaticFiles(app: Hono, root: string): void {
  const base = resolve(root);
  const cache = new Map<string, Uint8Array | null>();
  const load = async (file: string): Promise<Uint8Array | null> => {
    let body = cache.get(file);
    if (body === undefined) {
      body = await readFile(file).catch(() => null);
      // The build is immutable while the process runs, except for a missing one (built later).
      if (body) cache.set(file, body);
    }
    return body;
  };
  const html = async (c: Context) => {
    const body = await load(join(base, "index.html"));
    if (!body) return c.html(NOT_BUILT, 503, { "Cache-Control": "no-store" });
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": TYPES[".html"]!,
      "Cache-Control": "no-cache",
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "X-Frame-Options": "DENY",
    });
  };
  // Middleware (not a GET route) so the route list stays the API's; after the routes, it sees only what none took.
  app.use("*", async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== "GET" && c.req.method !== "HEAD") || API_PATH.test(path)) return next();
    const ext = extname(path);
    if (ext === "" || ext === ".html") return html(c);
    const file = resolve(base, `.${path}`);
    if (!file.startsWith(base + sep) || path.includes("\0")) return c.notFound();
    const body = TYPES[ext] ? await load(file) : null;
    if (!body) return c.text("not found", 404);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": TYPES[ext]!,
      // Vite names every file under assets/ by its content's hash: safe to keep for a year.
      "Cache-Control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });
}
