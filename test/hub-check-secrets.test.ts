/** The hub stores its checks without their secrets (real SQLite): the config keeps them, the table does not. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { Check } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import { suspectedModel } from "./suspected-fixture.js";

it("keeps heartbeat tokens, headers, bodies, URL user info and ?api_key= out of the checks table", async () => {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-check-secrets-"));
  const store = await openStore({ dataDir: dir });
  const component = suspectedModel.components.find((c) => c.observed)!.id;
  const base = { component, intervalMs: 30_000, timeoutMs: 5_000, vantages: [], confirm: 0 };
  const checks: Check[] = [
    {
      ...base,
      id: `${component}#1`,
      type: "http",
      url: "https://ops:zq-pw-1@api.acme.example/health?api_key=zq-key-2&region=eu",
      method: "POST",
      headers: { authorization: "Bearer zq-hdr-3" },
      body: '{"password":"zq-body-4"}',
      expectStatus: [[200, 399]],
      followRedirects: false,
      maxRedirects: 0,
      tlsVerify: true,
    },
    { ...base, id: `${component}#2`, type: "heartbeat", token: "zq-beat-5", graceMs: 60_000 },
  ];
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: { ...suspectedModel, checks },
    tickMs: 3_600_000,
  });
  try {
    await hub.start();
    const stored = JSON.stringify(await store.listChecks());
    expect(stored).not.toMatch(/zq-/);
    expect(stored).toContain("region=eu");
    // The hub itself still runs on the real values.
    expect(hub.checks()).toEqual(checks);
  } finally {
    await hub.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
