// PostgreSQL history figures on the loopback registry (plain HTTP):
// 1. 10,000 tags in 100 repositories, nothing changed: the same long-lived
//    `dg watch` as one process on SQLite, and as three workers sharing one
//    PostgreSQL (and as one worker on PostgreSQL); per steady cycle the manifest HEADs per tag (registry access
//    log) and the cycle time (the slowest worker's "cycle done");
// 2. `history --at` on PostgreSQL with 1,000,000 observations (1,000 tags of
//    1,000 observations each): the query in-process, its plan, and the CLI.
import { createWriteStream } from "node:fs";
import { readFile, rm, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { PostgresHistoryStore } from "../src/history/postgres-history-store.js";
import { spawnTracked, type TrackedChild } from "../test/support/child-reaper.js";
import { cliFlagsFor } from "../test/support/client-for.js";
import { startPostgres } from "../test/support/postgres.js";
import { startRegistry, type RunningRegistry } from "../test/support/registry.js";
import { seedTags } from "../test/support/watch-fleet.js";
import { median, timeHistoryAt, writeFigures } from "./measure.js";

const BIN = join(import.meta.dirname, "../../bin/digestguard.js");
// Long enough that a cycle ends before the next tick, so each cycle's requests can be told apart.
const SCHEDULE_SECONDS = 60;
const CYCLES = 3; // the start-up (baseline) cycle, then two steady ones

const registry = await startRegistry({ mode: "http" });
const cluster = await startPostgres();
const dir = await mkdtemp(join(tmpdir(), "dg-pg-bench-"));
try {
  const references = await seedTags(registry, 100, 100);
  await writeFile(
    join(dir, "digestguard.yaml"),
    `version: 1\nwatch:\n  version: 1\n  lockfile: false\n  database: history.sqlite\n  schedule: "*/${SCHEDULE_SECONDS} * * * * *"\n  perRegistry: { concurrency: 16 }\n  images:\n${references.map((r) => `    - ${r}\n`).join("")}`,
  );
  const sqlite = await fleet(registry, 1, undefined);
  // One worker on PostgreSQL tells the database's cost per check apart from three processes sharing the cores.
  const postgresOne = await fleet(registry, 1, await cluster.createDatabase());
  const postgres = await fleet(registry, 3, await cluster.createDatabase());
  const at = await historyAt(await cluster.createDatabase());
  await writeFigures("postgres", {
    tags: references.length,
    sqliteOneProcess: sqlite,
    postgresOneWorker: postgresOne,
    postgresThreeWorkers: postgres,
    historyAt: at,
  });
} finally {
  await cluster.stop();
  await registry.stop();
  await rm(dir, { recursive: true, force: true });
}

/** Run `workers` long-lived watches for {@link CYCLES} cycles; per cycle the HEADs per tag and the time. */
async function fleet(registry: RunningRegistry, workers: number, databaseUrl: string | undefined) {
  await sleep(SCHEDULE_SECONDS * 1000 - (Date.now() % (SCHEDULE_SECONDS * 1000)) + 200);
  const logs = Array.from({ length: workers }, (_, i) => join(dir, `${databaseUrl ? "pg" : "sqlite"}-w${i}.log`));
  const children: TrackedChild[] = logs.map((log, i) => {
    const child = spawnTracked(
      process.execPath,
      [BIN, "watch", "--log-format", "json", "--worker-id", `w${i}`, ...cliFlagsFor(registry)],
      {
        cwd: dir,
        env: { ...process.env, ...(databaseUrl ? { DIGESTGUARD_DATABASE_URL: databaseUrl } : {}) },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    child.child.stderr?.pipe(createWriteStream(log));
    return child;
  });
  const cycles = [];
  const runStart = (await registry.requestLog()).length;
  let logBefore = runStart;
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const done = await cycleDone(logs, cycle);
    const requests = (await registry.requestLog()).slice(logBefore);
    logBefore += requests.length;
    const heads = requests.filter((r) => r.method === "HEAD" && r.uri.includes("/manifests/")).length;
    cycles.push({
      seconds: Math.max(...done.map((d) => d.seconds)),
      headsPerTag: heads / 10_000,
      perWorker: done.map((d) => d.checked),
    });
  }
  await Promise.all(children.map((c) => c.kill()));
  const steady = cycles.slice(1);
  // Over the whole run each tag must have been HEADed once per cycle, whichever window a request fell in.
  const perTag = new Map<string, number>();
  for (const r of (await registry.requestLog()).slice(runStart))
    if (r.method === "HEAD" && r.uri.includes("/manifests/")) perTag.set(r.uri, (perTag.get(r.uri) ?? 0) + 1);
  const counts = [...perTag.values()];
  return {
    workers,
    cycles,
    steadyMedianSeconds: median(steady.map((c) => c.seconds)),
    headsPerTagOverRun: { cycles: CYCLES, tags: perTag.size, min: Math.min(...counts), max: Math.max(...counts) },
  };
}

/** Wait until every worker logged its `n`th "cycle done"; return those lines. */
async function cycleDone(logs: string[], n: number): Promise<{ seconds: number; checked: number }[]> {
  for (;;) {
    const lines = await Promise.all(
      logs.map(async (log) =>
        (await readFile(log, "utf8").catch(() => ""))
          .split("\n")
          .filter((l) => l.includes('"cycle done"'))
          .map((l) => JSON.parse(l) as { seconds: number; checked: number }),
      ),
    );
    if (lines.every((l) => l.length >= n)) return lines.map((l) => l[n - 1] as { seconds: number; checked: number });
    await sleep(200);
  }
}

/** 1,000,000 observations written straight in SQL, then `observationAt` and `dg history --at` timed. */
async function historyAt(url: string) {
  const history = await PostgresHistoryStore.open(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`INSERT INTO observations (reference, digest, platforms, first_seen, last_seen)
    SELECT 'bench.example/app:' || (i % 1000), 'sha256:' || md5(i::text) || md5(i::text), '[]',
           timestamptz '2020-01-01' + (i / 1000) * interval '1 hour', timestamptz '2020-01-01' + (i / 1000) * interval '1 hour'
    FROM generate_series(0, 999999) AS i`);
  await client.query("ANALYZE observations");
  const start = Date.parse("2020-01-01T00:00:00Z");
  const time = () => new Date(start + Math.random() * 1000 * 3_600_000).toISOString();
  const queries: number[] = [];
  for (let q = 0; q < 200; q++) {
    const reference = `bench.example/app:${Math.floor(Math.random() * 1000)}`;
    const began = performance.now();
    await history.observationAt(reference, time());
    queries.push(performance.now() - began);
  }
  const plan = await client.query(
    "EXPLAIN SELECT * FROM observations WHERE reference = $1 AND first_seen <= $2 ORDER BY first_seen DESC, id DESC LIMIT 1",
    ["bench.example/app:7", time()],
  );
  await client.end();
  await history.close();
  const cli = await timeHistoryAt(BIN, "bench.example/app:7", "2020-01-20T12:00Z", url);
  return {
    observations: 1_000_000,
    queryMedianMs: Number(median(queries).toFixed(3)),
    queryP95Ms: Number((queries.sort((a, b) => a - b)[Math.floor(queries.length * 0.95)] as number).toFixed(3)),
    queryMaxMs: Number(Math.max(...queries).toFixed(3)),
    plan: plan.rows.map((r) => r["QUERY PLAN"]),
    cliMedianMs: Number(median(cli).toFixed(0)),
  };
}
