/** bench:flood's writers, in a worker thread so building their bodies does not delay the prober's clock. */
import { parentPort, workerData } from "node:worker_threads";
import { flood, type WriterOptions } from "./flood-load.js";

parentPort!.postMessage(await flood(workerData as WriterOptions));
