/**
 * One hub replica of `bench:scale`, in a worker thread of its own (a core of its own, as a separate process
 * would have): NATS bus, PostgreSQL store, leader lock; tells the parent when it leads and, every 250 ms,
 * how many observations its localizer took and a sample of publish-to-localizer latencies.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openBus } from "../src/bus/open-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { openStore } from "../src/store/open-store.js";
import { benchModel, type WorkerReport } from "./scale-world.js";

const { busUrl, databaseUrl, replica, dataDir } = workerData as {
  busUrl: string;
  databaseUrl: string;
  replica: string;
  dataDir: string;
};
const port = parentPort!;
const store = await openStore({ dataDir, databaseUrl });
const opened = await openBus({ url: busUrl, nats: { onError: () => {} } });
const leaderLock = await opened.leaderLock("hub-leader", 6000);
let taken = 0;
let latencies: number[] = [];
const hub = new ReplicatedHub({
  store,
  bus: opened.bus,
  model: benchModel(),
  leaderLock,
  replicaId: replica,
  tickMs: 250,
  onWarning: () => {},
  onLeadership: (leading) =>
    port.postMessage({ type: "leading", leading, at: Date.now() } satisfies WorkerReport),
  onTaken: (batch, at) => {
    taken += batch.length;
    // One in 16: enough for p99 over a run, cheap to ship.
    for (let i = 0; i < batch.length; i += 16) latencies.push(at - batch[i]!.at);
  },
});
await hub.start();
port.postMessage({ type: "ready", leading: hub.leading, at: Date.now() } satisfies WorkerReport);
setInterval(() => {
  port.postMessage({ type: "taken", taken, latencies } satisfies WorkerReport);
  latencies = [];
}, 250);
port.on("message", async (m: { type: string }) => {
  if (m.type !== "stop") return;
  await hub.stop();
  await opened.close();
  await store.close();
  process.exit(0);
});
