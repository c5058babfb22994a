/** Local stand-ins for the notification APIs (a real HTTP server on 127.0.0.1), and incidents to notify about. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { StoredIncident } from "../src/store/store.js";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers to the n-th request (0-based): a status, or "hang" to never answer. */
export type Reply = number | "hang";

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `count` requests have arrived (no clock involved). */
  waitFor(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(replies: (n: number) => Reply = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: (r: Received[]) => void }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = received.length;
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      for (const w of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(received.slice());
      }
      const reply = replies(n);
      if (reply === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(reply, { "content-type": "text/plain" }).end(reply < 300 ? "ok" : "try later");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve(received.slice())
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const T0 = Date.UTC(2021, 11, 7, 15, 30);

/** An open incident on aws/us-east-1 with a runner-up and 14 affected services. */
export function incidentFixture(overrides: Partial<StoredIncident> = {}): StoredIncident {
  const epicenter = [
    { component: "aws/us-east-1", confidence: 0.93 },
    { component: "aws/us-east-1/ec2", confidence: 0.05 },
  ];
  return {
    id: "inc-1",
    openedAt: T0,
    resolvedAt: null,
    epicenter,
    affected: Array.from({ length: 14 }, (_, i) => `acme/service-${String(i + 1).padStart(2, "0")}`),
    history: [{ at: T0, epicenter }],
    vantage: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: T0,
    ...overrides,
  };
}

export const OPENED_AT = T0;
