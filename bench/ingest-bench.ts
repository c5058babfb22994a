/**
 * `npm run bench:ingest [-- --rows N --batch N --baseline N --size-rounds N --pg URL]`: how fast the store
 * writes and reads observations on SQLite and PostgreSQL, batched (the hub's path) against row by row (one
 * transaction per observation) in the same run; and how much disk 30 days of 10,000 monitors every 30 s take
 * under DEFAULT_RETENTION, projected from bytes per row measured on a real SQLite file. PostgreSQL is skipped,
 * with the reason, when it cannot be reached (URL: --pg, else EPICENTER_DATABASE_URL, else the dev server).
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
    "size-rounds": { type: "string", default: "120" },
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

/** Round `r` of the fleet: one observation per series, shaped like the probes' (id = vantage|check|time). */
function round(r: number, prefix = ""): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < SERIES; i++) {
    const vantage = VANTAGES[i % VANTAGES.length]!;
    const k = Math.floor(i / VANTAGES.length);
    const check = `acme/service-${k}#1`;
    const at = T0 + r * INTERVAL + ((i * 7) % INTERVAL);
    const roll = (i * 2_654_435_761 + r * 40_503) % 100;
    const down = roll < 2;
    out.push({
      id: `${prefix}${vantage}|${check}|${at}`,
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
  rollup: number;
}

async function measure(engine: string, store: Store): Promise<EngineFigures> {
  const baseline = round(0, "baseline:").slice(0, BASELINE);
  const rowByRow = await timed(async () => {
    for (const o of baseline) await store.insertObservations([o]);
  });
  const rounds = Math.ceil(ROWS / SERIES);
  const all = Array.from({ length: rounds }, (_, r) => round(r))
    .flat()
    .slice(0, ROWS);
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
  if (readBack !== all.length + baseline.length)
    throw new Error(`read ${readBack} of ${all.length + baseline.length}`);
  const rollup = await timed(() => store.rollup(T0, T0 + rounds * INTERVAL));
  await store.close();
  return {
    engine,
    rowByRow: baseline.length / rowByRow,
    batched: all.length / write,
    read: readBack / read,
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
    `${pad("engine", 10)}${pad("row by row", 16)}${pad("batched", 16)}${pad("speed-up", 11)}${pad("read", 16)}rollup`,
  );
  for (const f of figures) {
    console.log(
      `${pad(f.engine, 10)}${pad(`${n(f.rowByRow)}/s`, 16)}${pad(`${n(f.batched)}/s`, 16)}` +
        `${pad(`${(f.batched / f.rowByRow).toFixed(1)}×`, 11)}${pad(`${n(f.read)}/s`, 16)}${n(f.rollup)} obs/s`,
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

/** Writes SIZE_ROUNDS rounds of the fleet, rolls them up, VACUUMs, and projects bytes per row to 30 days. */
async function projectDisk(dataDir: string): Promise<void> {
  const store = await openSqliteStore({ dataDir });
  let raw = 0;
  const write = await timed(async () => {
    for (let r = 0; r < SIZE_ROUNDS; r++) {
      const rows = round(r);
      for (let i = 0; i < rows.length; i += BATCH) await store.insertObservations(rows.slice(i, i + BATCH));
      raw += rows.length;
    }
  });
  await store.rollup(T0, T0 + SIZE_ROUNDS * INTERVAL);
  await store.close();

  const db = new Database(join(dataDir, SQLITE_FILE));
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const before = (db.pragma("page_count", { simple: true }) as number) * pageSize;
  db.exec("VACUUM");
  const after = (db.pragma("page_count", { simple: true }) as number) * pageSize;
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
  const rawBytes = [
    "observations",
    "sqlite_autoindex_observations_1",
    "observations_series_at",
    "observations_at",
  ]
    .map((name) => bytes.get(name) ?? 0)
    .reduce((a, b) => a + b, 0);
  const minuteRows = count("rollups_1m");
  const hourRows = count("rollups_1h");
  const perRaw = rawBytes / raw;
  const perMinute = (bytes.get("rollups_1m") ?? 0) / minuteRows;
  const perHour = (bytes.get("rollups_1h") ?? 0) / hourRows;
  db.close();

  const days = 30;
  /** Rows each kind gains per day, and the days of them DEFAULT_RETENTION keeps after `days` days. */
  const kinds = [
    {
      kind: "raw (+3 indexes)",
      per: perRaw,
      daily: SERIES * (DAY / INTERVAL),
      keep: DEFAULT_RETENTION.rawMs,
    },
    { kind: "1m rollups", per: perMinute, daily: SERIES * 1440, keep: DEFAULT_RETENTION.minuteMs },
    { kind: "1h rollups", per: perHour, daily: SERIES * 24, keep: DEFAULT_RETENTION.hourMs },
  ];
  console.log(
    `disk (SQLite): ${n(raw)} raw rows (${SIZE_ROUNDS} rounds) written at ${n(raw / write)}/s into a ` +
      `${n(before / 2 ** 20)} MiB file, ${n(after / 2 ** 20)} MiB after VACUUM; ` +
      `${n(minuteRows)} minute and ${n(hourRows)} hour rollups`,
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
