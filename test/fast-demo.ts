/** Options for a demo hub fast enough for a test: checks every 3 s, aws/us-east-1 failing 2 s after start. */
import type { HubProcessOptions } from "../src/cli/serve-process.js";

export function fastDemo(dataDir: string, outageMs: number, lines: string[]): HubProcessOptions {
  return {
    dataDir,
    port: 0,
    host: "127.0.0.1",
    demo: {
      checkIntervalMs: 3000,
      plan: {
        firstAfterMs: 2000,
        first: "aws/us-east-1",
        durationMs: [outageMs, outageMs],
        gapMs: [600_000, 600_000],
      },
    },
    roundMs: 3000,
    log: (l) => lines.push(l),
    warn: (l) => lines.push(`warning: ${l}`),
  };
}
