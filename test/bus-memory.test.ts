import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { runBusContract } from "./bus-contract.js";

runBusContract("in-memory", async () => new MemoryBus());
