/**
 * Per-vantage credentials on a nats-server of the test's own, configured as docs/scale-out.md says: an
 * agent's user publishes its own vantage's observations and reads its assignment, and cannot publish
 * another vantage's observations.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsAssignments } from "../src/bus/nats/nats-assignments.js";
import { NatsBus } from "../src/bus/nats/nats-bus.js";
import { openBus } from "../src/bus/open-bus.js";
import type { Observation } from "../src/model/observation.js";
import { type NatsServer, natsServerMissing, startNatsServer } from "./nats-env.js";

const reason = natsServerMissing();

/** The server config of docs/scale-out.md, for one hub and one agent (vantage probe/eu-west). */
const CONFIG = `
authorization {
  users = [
    { user: hub, password: hub-secret }
    { user: probe-eu-west, password: eu-secret, permissions: {
        publish: { allow: [
          "epicenter.obs.probe/eu-west",
          "$JS.API.INFO",
          "$JS.API.STREAM.INFO.KV_epicenter-assignments",
          "$JS.API.CONSUMER.CREATE.KV_epicenter-assignments.>",
          "$JS.API.CONSUMER.CREATE.KV_epicenter-assignments",
          "$JS.API.CONSUMER.DELETE.KV_epicenter-assignments.>",
          "$JS.API.DIRECT.GET.KV_epicenter-assignments.>",
          "$JS.API.STREAM.MSG.GET.KV_epicenter-assignments",
          "$JS.FC.KV_epicenter-assignments.>"
        ] }
        subscribe: { allow: ["_INBOX.>"] }
    } }
  ]
}
`;

function obs(vantage: string, n: number): Observation {
  return {
    id: `${vantage}:c#1:${n}`,
    at: n,
    vantage,
    component: "acme/api",
    check: "c#1",
    status: "up",
    latencyMs: 1,
    errorClass: null,
  };
}

describe.skipIf(reason)(`NATS permissions per vantage${reason ? ` (skipped: ${reason})` : ""}`, () => {
  let server: NatsServer;
  let dir = "";
  beforeAll(async () => {
    server = await startNatsServer(CONFIG);
    dir = mkdtempSync(join(tmpdir(), "epicenter-creds-"));
    writeFileSync(join(dir, "hub.creds"), "hub:hub-secret\n", { mode: 0o600 });
    writeFileSync(join(dir, "eu.creds"), "probe-eu-west:eu-secret\n", { mode: 0o600 });
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets an agent publish its own vantage and read its assignment, and refuses another vantage's subject", async () => {
    const hub = await openBus({ url: server.url, credentials: join(dir, "hub.creds"), env: {} });
    await hub.assignments.put("probe/eu-west", { checks: [] });
    const agent = await NatsBus.open({
      url: server.url,
      credentials: join(dir, "eu.creds"),
      manage: false,
      publishTimeoutMs: 2000,
    });
    const assignments = await NatsAssignments.open(agent.connection, { manage: false });
    expect(await assignments.get("probe/eu-west")).toEqual({ checks: [] });
    const seen: unknown[] = [];
    const watch = assignments.watch("probe/eu-west", (a) => seen.push(a));
    await hub.assignments.put("probe/eu-west", {
      checks: [],
      probes: { deny: ["private"], allow: [], ca: [] },
    });
    // The watch reads the current value first: when that read already sees the new one, the new one is
    // all it reports (nothing lost, nothing repeated), so wait for it rather than for two values.
    const updated = () => seen.some((a) => (a as { probes?: unknown } | null)?.probes !== undefined);
    while (!updated()) await new Promise((r) => setTimeout(r, 20));
    await watch.stop();

    await agent.publish([obs("probe/eu-west", 1)]);
    await expect(agent.publish([obs("probe/us-east", 2)])).rejects.toMatchObject({ code: "E_BUS_REFUSED" });

    const stored: string[] = [];
    hub.bus.consume("check", async (batch) => {
      stored.push(...batch.map((o) => o.id));
    });
    while (stored.length < 1) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(stored).toEqual([obs("probe/eu-west", 1).id]);
    await agent.close();
    await hub.close();
  });

  it("refuses a wrong password with a clear error", async () => {
    writeFileSync(join(dir, "bad.creds"), "probe-eu-west:wrong\n");
    await expect(
      NatsBus.open({ url: server.url, credentials: join(dir, "bad.creds"), manage: false }),
    ).rejects.toMatchObject({
      code: "E_BUS_REFUSED",
    });
  });
});
