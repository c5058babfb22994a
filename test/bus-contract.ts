/**
 * The bus contract (src/bus/bus.ts), run on every implementation against a real instance. Batch boundaries
 * are the bus's own (the NATS bus delivers what it fetched as one batch), so only order and content count.
 */
import { describe, expect, it } from "vitest";
import type { Bus } from "../src/bus/bus.js";
import type { Observation } from "../src/model/observation.js";

function obs(n: number, vantage = "vantage/a"): Observation {
  return {
    id: `${vantage}:c#1:${n}`,
    at: 1_700_000_000_000 + n,
    vantage,
    component: "acme/api",
    check: "acme/api#1",
    status: n % 3 === 0 ? "down" : "up",
    latencyMs: n,
    errorClass: n % 3 === 0 ? "http-5xx" : null,
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function runBusContract(name: string, newBus: () => Promise<Bus>): void {
  describe(`bus contract: ${name}`, () => {
    it("delivers every batch to every group, in publish order", async () => {
      const bus = await newBus();
      const seen: Record<string, number[]> = { a: [], b: [] };
      for (const g of ["a", "b"] as const)
        bus.consume(g, async (batch) => {
          seen[g]!.push(...batch.map((o) => o.latencyMs ?? -1));
        });
      for (let i = 0; i < 20; i++) await bus.publish([obs(2 * i), obs(2 * i + 1)]);
      await until(() => seen.a!.length === 40 && seen.b!.length === 40);
      expect(seen.a).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(seen.b).toEqual(seen.a);
      await bus.close();
    });

    it("keeps one batch in flight per group and redelivers a rejected batch before later ones", async () => {
      const bus = await newBus();
      const got: string[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      let failures = 0;
      bus.consume(
        "g",
        async (batch) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight--;
          if (batch.some((o) => o.latencyMs === 1) && failures < 2) {
            failures++;
            throw new Error("store unavailable");
          }
          got.push(...batch.map((o) => o.id));
        },
        { redeliverMs: 10 },
      );
      for (let i = 0; i < 4; i++) await bus.publish([obs(i)]);
      await until(() => got.length === 4);
      expect(failures).toBe(2);
      expect(maxInFlight).toBe(1);
      expect(got).toEqual([0, 1, 2, 3].map((i) => obs(i).id));
      await bus.close();
    });

    it("reports what a group has not acknowledged yet", async () => {
      const bus = await newBus();
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const sub = bus.consume("slow", async () => {
        await gate;
      });
      await bus.publish([obs(1)]);
      await bus.publish([obs(2)]);
      await until(() => sub.pending === 2); // a remote bus counts with a short delay
      release();
      await until(() => sub.pending === 0);
      await sub.unsubscribe();
      await bus.close();
    });

    it("refuses to publish after close, with a clear error", async () => {
      const bus = await newBus();
      await bus.close();
      await expect(bus.publish([obs(1)])).rejects.toThrow(/closed/);
    });
  });
}
