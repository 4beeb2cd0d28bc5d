import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import type { TrackedChild } from "../support/child-reaper.js";
import { cycleTick } from "../../src/watch/shared-cycle.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { seedTags, startWorker, waitForCycle, writeFleetConfig, yearlyAt } from "../support/watch-fleet.js";

// `perRegistry` limits hold for a fleet of real `dg watch` workers on one
// PostgreSQL, not per process: the request pace is one budget, read off the
// registry's own access log.

const WORKERS = ["w1", "w2", "w3"];
/** Generous: a cycle on a slow, shared machine; not a speed bound. */
const CYCLE_TIMEOUT_MS = 120_000;
const tempFolder = tempFolders("watch-fleet-limits");
const skip = registrySkipReason() || postgresSkipReason();

/** Jobs each worker marked done in a cycle. */
async function jobsByWorker(databaseUrl: string, cycle: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT worker, count(*) AS n FROM cycle_jobs WHERE cycle = $1 AND done_at IS NOT NULL GROUP BY worker",
      [cycle],
    );
    return Object.fromEntries(rows.map((r) => [String(r.worker), Number(r.n)]));
  } finally {
    await client.end();
  }
}

describe("perRegistry limits across three watch workers", { skip }, () => {
  let registry: RunningRegistry;
  let cluster: RunningPostgres;
  const workers: TrackedChild[] = [];
  before(async () => {
    [registry, cluster] = await Promise.all([startRegistry({ mode: "http" }), startPostgres()]);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all([registry?.stop(), cluster?.stop()]);
  });

  it("keeps the fleet's requests to a registry within requestsPerSecond, counted by the registry", async (t) => {
    const budget = 20;
    const dir = await tempFolder();
    const databaseUrl = await cluster.createDatabase();
    const references = await seedTags(registry, 2, 100);
    const seeding = (await registry.requestLog()).length;
    const schedule = yearlyAt(new Date(2000, 0, 1));
    await writeFleetConfig(dir, {
      references,
      schedule,
      perRegistry: `{ concurrency: 4, requestsPerSecond: ${budget} }`,
    });
    workers.push(...WORKERS.map((worker) => startWorker({ dir, registry, databaseUrl, worker, leaseSeconds: 60 })));
    const cycle = cycleTick(schedule);
    await waitForCycle(databaseUrl, cycle, (p) => p.total === 200 && p.done === 200, CYCLE_TIMEOUT_MS);

    const requests = (await registry.requestLog()).slice(seeding);
    const perSecond = new Map<string, number>();
    for (const r of requests) perSecond.set(r.time, (perSecond.get(r.time) ?? 0) + 1);
    const busiest = Math.max(...perSecond.values());
    const byWorker = await jobsByWorker(databaseUrl, cycle);
    t.diagnostic(
      `fleet pace: ${requests.length} requests in ${perSecond.size} s, busiest second ${busiest}, budget ${budget}/s; jobs ${JSON.stringify(byWorker)}`,
    );
    assert.deepEqual(Object.keys(byWorker).sort(), WORKERS, "every worker took part");
    assert.ok(requests.length >= 200, "every tag was asked for");
    // Slots are spaced by the database's clock, but the registry stamps a
    // request when it answers, a moment after its slot: one request late
    // across a second's edge lands in the next second, hence +1.
    assert.ok(busiest <= budget + 1, `at most ${budget} + 1 requests in any second: ${JSON.stringify([...perSecond])}`);
  });
});
