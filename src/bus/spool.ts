/**
 * An append-only file of observations (JSON lines) that an agent writes while the bus is away and replays,
 * in order, when it is back. Each appended batch is fsync'd before `append` resolves, so a batch the agent
 * handed over survives a crash of the agent. Bounded: past `maxBytes` new batches are dropped and counted
 * (the oldest, already on disk, are kept: they are the start of the outage, the most telling part).
 */
import { mkdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { Observation } from "../model/observation.js";
import { BusError } from "./bus-errors.js";

export interface SpoolOptions {
  file: string;
  /** Largest spool file (default 256 MiB, about a million observations). */
  maxBytes?: number;
  /** Observations per publish when replaying (default 500). */
  replayBatch?: number;
  /** Where "spool full" and "skipped a damaged line" go (default: a process warning). */
  onWarning?: (message: string) => void;
}

export interface SpoolStats {
  /** Observations written and not yet replayed. */
  spooled: number;
  bytes: number;
  /** Refused because the spool was full. */
  dropped: number;
  replayed: number;
}

const READ_CHUNK = 4 * 2 ** 20;

export class Spool {
  readonly file: string;
  readonly #fh: FileHandle;
  readonly #maxBytes: number;
  readonly #replayBatch: number;
  readonly #warn: (message: string) => void;
  /** Bytes in the file; bytes of it already replayed (in this process). */
  #size: number;
  #done = 0;
  #stats: SpoolStats;
  #fullWarned = false;
  /** Appends and truncation run one at a time, in call order. */
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(file: string, fh: FileHandle, size: number, lines: number, o: SpoolOptions) {
    this.file = file;
    this.#fh = fh;
    this.#size = size;
    this.#maxBytes = o.maxBytes ?? 256 * 2 ** 20;
    this.#replayBatch = o.replayBatch ?? 500;
    this.#warn = o.onWarning ?? ((m) => process.emitWarning(m));
    this.#stats = { spooled: lines, bytes: size, dropped: 0, replayed: 0 };
  }

  /** Opens (creating it and its folder) the spool; a line cut short by a crash is removed. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const file = options.file;
    let fh: FileHandle;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      fh = await open(file, "a+", 0o600);
    } catch (error) {
      throw new BusError("E_BUS_SPOOL", `cannot open spool file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const text = (await fh.readFile()).toString("utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) {
      await fh.truncate(Buffer.byteLength(text.slice(0, end)));
      (options.onWarning ?? ((m) => process.emitWarning(m)))(
        `spool ${file}: removed a line cut short by a crash (${text.length - end} bytes)`,
      );
    }
    const lines = text.slice(0, end).split("\n").length - 1;
    return new Spool(file, fh, Buffer.byteLength(text.slice(0, end)), lines, options);
  }

  get empty(): boolean {
    return this.#size === 0;
  }

  stats(): SpoolStats {
    return { ...this.#stats, bytes: this.#size };
  }

  /** Appends a batch and syncs it to disk; false (and counted) when the spool is full. */
  append(batch: readonly Observation[]): Promise<boolean> {
    return this.#serial(async () => {
      if (batch.length === 0) return true;
      const data = Buffer.from(batch.map((o) => `${JSON.stringify(o)}\n`).join(""));
      if (this.#size + data.length > this.#maxBytes) {
        this.#stats.dropped += batch.length;
        if (!this.#fullWarned)
          this.#warn(
            `spool ${this.file} is full (${this.#maxBytes} bytes): observations are dropped until the bus is back`,
          );
        this.#fullWarned = true;
        return false;
      }
      await this.#fh.write(data);
      await this.#fh.datasync();
      this.#size += data.length;
      this.#stats.spooled += batch.length;
      return true;
    });
  }

  /**
   * Publishes what is spooled, oldest first, in batches; when all of it went, empties the file. Stops at the
   * first failed publish (rethrown), remembering how far it got. Returns how many observations went.
   */
  async replay(publish: (batch: Observation[]) => Promise<void>): Promise<number> {
    let sent = 0;
    for (;;) {
      const lines = await this.#readFrom(this.#done);
      if (lines.count === 0) {
        const emptied = await this.#serial(async () => {
          if (this.#done < this.#size) return false; // appended meanwhile: go on
          await this.#fh.truncate(0);
          this.#size = 0;
          this.#done = 0;
          this.#stats.spooled = 0;
          this.#fullWarned = false;
          return true;
        });
        if (emptied) return sent;
        continue;
      }
      for (let i = 0; i < lines.observations.length; i += this.#replayBatch) {
        const batch = lines.observations.slice(i, i + this.#replayBatch);
        await publish(batch.map((l) => l.observation));
        sent += batch.length;
        this.#stats.replayed += batch.length;
        this.#done = batch.at(-1)!.end; // a later failure resumes after this batch
      }
      this.#done = lines.end;
    }
  }

  async close(): Promise<void> {
    await this.#serial(() => this.#fh.close());
  }

  /** Whole lines from `offset`, up to a chunk; damaged lines are skipped with a warning. */
  async #readFrom(
    offset: number,
  ): Promise<{ count: number; observations: { observation: Observation; end: number }[]; end: number }> {
    const length = Math.min(READ_CHUNK, this.#size - offset);
    if (length <= 0) return { count: 0, observations: [], end: offset };
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.#fh.read(buffer, 0, length, offset);
    let text = buffer.subarray(0, bytesRead).toString("utf8");
    const cut = text.lastIndexOf("\n") + 1;
    if (cut === 0)
      throw new BusError("E_BUS_SPOOL", `spool ${this.file}: a line longer than ${READ_CHUNK} bytes`);
    text = text.slice(0, cut);
    const observations: { observation: Observation; end: number }[] = [];
    let count = 0;
    let at = offset;
    for (const line of text.slice(0, -1).split("\n")) {
      at += Buffer.byteLength(line) + 1;
      if (line === "") continue;
      count++;
      try {
        observations.push({ observation: JSON.parse(line) as Observation, end: at });
      } catch {
        this.#warn(`spool ${this.file}: skipped a damaged line`);
      }
    }
    return { count, observations, end: offset + Buffer.byteLength(text) };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work, work);
    this.#lock = run.catch(() => {});
    return run;
  }
}
