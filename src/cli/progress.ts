/** A one-line progress bar on stderr, for long work in a terminal. */
import type { CliIo } from "./io.js";

export function progressBar(io: CliIo, label: string): { update(fraction: number): void; done(): void } {
  let last = -1;
  return {
    update(fraction) {
      const pct = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      io.progress(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct}%`);
    },
    done() {
      if (last >= 0) io.progress("\r\x1b[K");
    },
  };
}
