/**
 * `npm run bench:ingest [-- --rows N --batch N --baseline N --size-rounds N --pg URL]`: how fast the store
 * writes and reads observations on SQLite and PostgreSQL, batched (the hub's path) against row by row (one
 * transaction per observation) in the same run; and how much disk 30 days of 10,000 monitors every 30 s take
 * under DEFAULT_RETENTION, projected from bytes per row measured on a real SQLite file written and rolled up
 * the way the hub does it. PostgreSQL is skipped, with the reason, when it cannot be reached (URL: --pg, else
 * EPICENTER_DATABASE_URL, else the dev server).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import type { Observation } from "../src/model/observation.js";
import { openPostgresStore } from "../src/store/postgres/postgres-store.js";
import { openSqliteStore, SQLITE_FILE } from "../src/store/sqlite/sqlite-store.js";
import { DEFAULT_RETENTION, type Store } from "../src/store/store.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    batch: { type: "string", default: "1000" },
    baseline: { type: "string", default: "5000" },
    "size-rounds": { type: "string", default: "240" },
    pg: {
      type: "string",
      default: process.env.EPICENTER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
  },
});
const ROWS = Number(values.rows);
const BATCH = Number(values.batch);
const BASELINE = Number(values.baseline);
const SIZE_ROUNDS = Number(values["size-rounds"]);
/** The fleet of the projection: 10,000 monitors, i.e. (check, vantage) series, each observed every 30 s. */
const SERIES = 10_000;
const VANTAGES = ["probe/us-east", "probe/us-west", "probe/eu-west", "probe/ap-south", "probe/sa-east"];
const INTERVAL = 30_000;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Round `r` of the fleet: one observation per series, shaped like the agents' (id = vantage:check:time). */
function round(r: number): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < SERIES; i++) {
    const vantage = VANTAGES[i % VANTAGES.length]!;
    const k = Math.floor(i / VANTAGES.length);
    const check = `acme/service-${k}#1`;
    const at = T0 + r * INTERVAL + ((i * 7) % INTERVAL);
    const roll = (i * 2_654_435_761 + r * 40_503) % 100;
    const down = roll < 2;
    out.push({
      id: `${vantage}:${check}:${at}`,
      at,
      vantage,
      component: `acme/service-${k}`,
      check,
      status: down ? "down" : roll < 3 ? "degraded" : "up",
      latencyMs: down ? null : Math.round((5 + ((roll * 37 + i) % 400) + Math.random()) * 1000) / 1000,
      errorClass: down ? "timeout" : null,
      ...(down ? { message: "no answer within 10 s" } : {}),
    });
  }
  return out;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return (performance.now() - start) / 1000;
}

interface EngineFigures {
  engine: string;
  rowByRow: number;
  batched: number;
  read: number;
  /** Seconds to read one component's newest 1,000 (the whole table: it has fewer). */
  component: number;
  rollup: number;
}

/** The first `rounds` rounds, at most `ROWS` observations. */
function fleet(rounds: number): Observation[] {
  return Array.from({ length: rounds }, (_, r) => round(r))
    .flat()
    .slice(0, ROWS);
}

async function measure(engine: string, store: Store): Promise<EngineFigures> {
  // Rounds before the measured ones (an observation's time is part of its key). The store meets the series
  // first, untimed, as in steady state: a series' first observation also writes its `series` row.
  await store.insertObservations(round(-2));
  const baseline = round(-1).slice(0, BASELINE);
  const rowByRow = await timed(async () => {
    for (const o of baseline) await store.insertObservations([o]);
  });
  const rounds = Math.ceil(ROWS / SERIES);
  const all = fleet(rounds);
  const write = await timed(async () => {
    for (let i = 0; i < all.length; i += BATCH) await store.insertObservations(all.slice(i, i + BATCH));
  });
  let readBack = 0;
  const read = await timed(async () => {
    for (let r = 0; r < rounds; r++) {
      const from = T0 + r * INTERVAL;
      readBack += (await store.queryObservations({ from, to: from + INTERVAL, limit: 2 * SERIES })).length;
    }
  });
  if (readBack !== all.length) throw new Error(`read ${readBack} of ${all.length}`);
  const component = await timed(() => store.queryObservations({ component: "acme/service-7" }));
  const rollup = await timed(() => store.rollup(T0, T0 + rounds * INTERVAL));
  await store.close();
  return {
    engine,
    rowByRow: baseline.length / rowByRow,
    batched: all.length / write,
    read: readBack / read,
    component,
    rollup: readBack / rollup,
  };
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const pad = (s: string, w: number) => s.padEnd(w);

const sqliteDir = mkdtempSync(join(tmpdir(), "epicenter-ingest-"));
const figures: EngineFigures[] = [];
console.log(
  `bench:ingest: ${n(ROWS)} observations per engine in batches of ${n(BATCH)} ` +
    `(${n(SERIES)} series × ${Math.ceil(ROWS / SERIES)} rounds); baseline row by row: ${n(BASELINE)}; Node ${process.version}\n`,
);
try {
  figures.push(await measure("sqlite", await openSqliteStore({ dataDir: join(sqliteDir, "speed") })));
  const schema = `epicenter_bench_${randomBytes(4).toString("hex")}`;
  let pgSkip: string | null = null;
  try {
    figures.push(await measure("postgres", await openPostgresStore({ url: values.pg, schema })));
  } catch (error) {
    pgSkip = (error as Error).message;
  } finally {
    const client = new pg.Client({ connectionString: values.pg });
    await client
      .connect()
      .then(() => client.query(`drop schema if exists "${schema}" cascade`))
      .catch(() => {});
    await client.end().catch(() => {});
  }

  console.log(
    `${pad("engine", 10)}${pad("row by row", 16)}${pad("batched", 16)}${pad("speed-up", 11)}${pad("read", 16)}` +
      `${pad("1 component", 13)}rollup`,
  );
  for (const f of figures) {
    console.log(
      `${pad(f.engine, 10)}${pad(`${n(f.rowByRow)}/s`, 16)}${pad(`${n(f.batched)}/s`, 16)}` +
        `${pad(`${(f.batched / f.rowByRow).toFixed(1)}×`, 11)}${pad(`${n(f.read)}/s`, 16)}` +
        `${pad(`${n(f.component * 1000)} ms`, 13)}${n(f.rollup)} obs/s`,
    );
  }
  if (pgSkip) console.log(`postgres  skipped: ${pgSkip}`);
  const goal = (engine: string, want: number) => {
    const f = figures.find((x) => x.engine === engine);
    return f ? `${f.batched >= want ? "met" : "NOT met"} (${n(f.batched)}/s)` : "not measured";
  };
  console.log(
    `goal: SQLite ≥ 100,000/s: ${goal("sqlite", 100_000)}; PostgreSQL ≥ 50,000/s: ${goal("postgres", 50_000)}\n`,
  );

  await projectDisk(join(sqliteDir, "size"));
} finally {
  rmSync(sqliteDir, { recursive: true, force: true });
}

/**
 * Writes SIZE_ROUNDS rounds of the fleet as the hub does (batches, and every minute the rollup of the last
 * three), then projects bytes per row, measured with `dbstat` on the file as written (not VACUUMed: pages
 * as full as the writes left them), to 30 days under DEFAULT_RETENTION.
 */
async function projectDisk(dataDir: string): Promise<void> {
  const store = await openSqliteStore({ dataDir });
  let raw = 0;
  let write = 0;
  let rollup = 0;
  const perMinute = MINUTE / INTERVAL;
  for (let r = 0; r < SIZE_ROUNDS; r++) {
    const rows = round(r);
    write += await timed(async () => {
      for (let i = 0; i < rows.length; i += BATCH) await store.insertObservations(rows.slice(i, i + BATCH));
    });
    raw += rows.length;
    if ((r + 1) % perMinute === 0) {
      const now = T0 + (r + 1) * INTERVAL;
      rollup += await timed(() => store.rollup(now - 3 * MINUTE, now));
    }
  }
  const component = await timed(() => store.queryObservations({ component: "acme/service-7" }));
  const graph = await timed(() =>
    store.queryRollups({ resolution: "1m", component: "acme/service-7", limit: 10_000 }),
  );
  await store.close();

  const db = new Database(join(dataDir, SQLITE_FILE));
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const file = (db.pragma("page_count", { simple: true }) as number) * pageSize;
  const bytes = new Map(
    (
      db.prepare("select name, sum(pgsize) as size from dbstat group by name").all() as {
        name: string;
        size: number;
      }[]
    ).map((r) => [r.name, r.size]),
  );
  const count = (table: string) =>
    (db.prepare(`select count(*) as c from ${table}`).get() as { c: number }).c;
  const minuteRows = count("rollups_1m");
  const hourRows = count("rollups_1h");
  const perRaw = (bytes.get("observations") ?? 0) / raw;
  const perMinuteRow = (bytes.get("rollups_1m") ?? 0) / minuteRows;
  const perHourRow = (bytes.get("rollups_1h") ?? 0) / hourRows;
  const seriesBytes = [...bytes].filter(([name]) => name.includes("series")).reduce((a, [, b]) => a + b, 0);
  db.exec("VACUUM");
  const vacuumed = (db.pragma("page_count", { simple: true }) as number) * pageSize;
  db.close();

  const days = 30;
  /** Rows each kind gains per day, and the days of them DEFAULT_RETENTION keeps after `days` days. */
  const kinds = [
    { kind: "raw", per: perRaw, daily: SERIES * (DAY / INTERVAL), keep: DEFAULT_RETENTION.rawMs },
    { kind: "1m rollups", per: perMinuteRow, daily: SERIES * 1440, keep: DEFAULT_RETENTION.minuteMs },
    { kind: "1h rollups", per: perHourRow, daily: SERIES * 24, keep: DEFAULT_RETENTION.hourMs },
  ];
  console.log(
    `disk (SQLite): ${n(raw)} raw rows (${SIZE_ROUNDS} rounds) written at ${n(raw / write)}/s, rolled up every ` +
      `minute (last 3 minutes; ${((rollup / (SIZE_ROUNDS / perMinute)) * 1000).toFixed(0)} ms each) into ` +
      `${n(minuteRows)} minute and ${n(hourRows)} hour rollups; ${n(file / 2 ** 20)} MiB file ` +
      `(${n(vacuumed / 2 ** 20)} MiB after VACUUM); series table ${n(seriesBytes / 1024)} KiB; ` +
      `1 component's newest 1,000 raw: ${n(component * 1000)} ms, its minute rollups: ${n(graph * 1000)} ms`,
  );
  console.log(
    `${pad("kind", 18)}${pad("bytes/row", 11)}${pad("per day kept", 14)}${pad("days kept", 11)}${pad("rows kept", 14)}size`,
  );
  let total = 0;
  for (const k of kinds) {
    const keptDays = Math.min(days * DAY, k.keep) / DAY;
    const size = k.per * k.daily * keptDays;
    total += size;
    console.log(
      `${pad(k.kind, 18)}${pad(k.per.toFixed(1), 11)}${pad(gib(k.per * k.daily), 14)}${pad(String(keptDays), 11)}` +
        `${pad(n(k.daily * keptDays), 14)}${gib(size)}`,
    );
  }
  console.log(
    `${pad("total", 68)}${gib(total)}\n` +
      `projection: ${n(SERIES)} monitors every ${INTERVAL / 1000} s for ${days} days, retention raw ` +
      `${DEFAULT_RETENTION.rawMs / DAY} d, 1m ${DEFAULT_RETENTION.minuteMs / DAY} d, 1h ${DEFAULT_RETENTION.hourMs / DAY} d; ` +
      `goal < 5 GiB: ${total < 5 * 2 ** 30 ? "met" : "NOT met"}`,
  );
}
