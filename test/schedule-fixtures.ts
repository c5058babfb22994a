/** A real local HTTP server that counts what it is asked, and http checks against it, for scheduler and agent tests. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpCheck } from "../src/probe/check-types.js";

export interface CountingServer {
  url: string;
  /** Requests received per path. */
  hits: Map<string, number>;
  /** Most requests in flight at once, per path and all together. */
  maxConcurrent: Map<string, number>;
  maxTotal: number;
  close: () => Promise<void>;
}

/**
 * Routes (a query string is ignored for routing, kept for counting): `/ok`; `/slow/MS` answers after MS ms; `/hang` never answers; `/down` is always 503; `/flaky`
 * alternates 503, 200, 503 ... (first request 503).
 */
export async function startCountingServer(): Promise<CountingServer> {
  const hits = new Map<string, number>();
  const current = new Map<string, number>();
  const maxConcurrent = new Map<string, number>();
  let total = 0;
  const state = { maxTotal: 0 };
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const now = (current.get(path) ?? 0) + 1;
    current.set(path, now);
    maxConcurrent.set(path, Math.max(maxConcurrent.get(path) ?? 0, now));
    state.maxTotal = Math.max(state.maxTotal, ++total);
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      current.set(path, (current.get(path) ?? 1) - 1);
      total--;
      if (!res.destroyed) res.writeHead(status, { "content-type": "text/plain" }).end("ok\n");
    };
    res.on("close", () => finish(499));
    const route = path.split("?")[0];
    if (route === "/hang") return;
    if (route === "/down") return finish(503);
    if (route === "/flaky") return finish(n % 2 === 1 ? 503 : 200);
    const slow = /^\/slow\/(\d+)$/.exec(route!);
    if (slow) {
      setTimeout(() => finish(200), Number(slow[1]));
      return;
    }
    finish(200);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    maxConcurrent,
    get maxTotal() {
      return state.maxTotal;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function httpCheck(id: string, url: string, overrides: Partial<HttpCheck> = {}): HttpCheck {
  return {
    type: "http",
    id,
    component: id.split("#")[0]!,
    url,
    method: "GET",
    headers: {},
    expectStatus: [[200, 399]],
    followRedirects: true,
    maxRedirects: 5,
    tlsVerify: true,
    intervalMs: 1000,
    timeoutMs: 5000,
    vantages: [],
    confirm: 0,
    ...overrides,
  };
}

/** Resolves when `predicate` holds, polling every 20 ms (the test's own timeout bounds it). */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 20));
}
