/** HttpAgents: each probe runner's own pools and trace slot, against a real local server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpDefaults } from "../src/probe/check-normalise.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";
import { checkBase, close, httpServer, listen } from "./probe-fixtures.js";

describe("HttpAgents", () => {
  let connections = 0;
  const server = httpServer((_req, res) => res.end("ok"));
  server.on("connection", (socket) => {
    connections++;
    socket.on("close", () => server.emit("connectionClosed"));
  });
  let check: HttpCheck;
  beforeAll(async () => {
    const url = `http://127.0.0.1:${await listen(server)}/`;
    // Keep-alive: this is about each runner's pools holding its own connections open.
    check = { ...checkBase(), ...httpDefaults(), type: "http", url, reuse: true };
  });
  afterAll(() => close(server));

  const run = (http: HttpAgents) => runCheck(check, { signal: new AbortController().signal, http });

  it("keeps one runner's connections apart from another's, and traces each runner's requests", async () => {
    const a = new HttpAgents();
    const b = new HttpAgents();
    const first = await run(a);
    expect(first).toMatchObject({ status: "up" });
    expect(first.phases.connect).toBeGreaterThanOrEqual(0);
    // b has pools of its own: it opens its own connection, whatever a holds open.
    const other = await run(b);
    expect(other.phases.connect).toBeGreaterThanOrEqual(0);
    expect(connections).toBe(2);

    // Closing a's pools closes its connection and leaves b's working and traced.
    const closed = new Promise<void>((done) => server.once("connectionClosed", done));
    await a.close();
    await closed;
    const after = await run(b);
    expect(after).toMatchObject({ status: "up" });
    expect(after.phases.firstByte).toBeGreaterThanOrEqual(0);
    await b.close();
  });
});
