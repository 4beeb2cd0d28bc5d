import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import type { TrackedChild } from "../support/child-reaper.js";
import { cycleTick } from "../../src/watch/shared-cycle.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { startRateLimitedRegistry, type RateLimitedRegistry } from "../support/rate-limited-registry.js";
import { registrySkipReason, startRegistry, type RegistryRequest, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { seedTags, startWorker, waitForCycle, writeFleetConfig, yearlyAt } from "../support/watch-fleet.js";

// `perRegistry` limits hold for a fleet of real `dg watch` workers on one
// PostgreSQL, not per process: the request pace is one budget (read off the
// registry's own access log), and a rate-limit floor one worker sees stops
// the others' requests too (told apart by a proxy of their own each).

const WORKERS = ["w1", "w2", "w3"];
/** Generous: a cycle on a slow, shared machine; not a speed bound. */
const CYCLE_TIMEOUT_MS = 120_000;
const tempFolder = tempFolders("watch-fleet-limits");
const skip = registrySkipReason() || postgresSkipReason();

/** How late a paced request may reach the registry after its slot on a busy machine. */
const LATENESS_SECONDS = 0.25;
/** The longer window the budget is held over too: lateness matters less against its length. */
const WINDOW_SECONDS = 5;

/** Requests per second of the access log, every second from the first to the last (empty ones too). */
function perSecond(requests: RegistryRequest[]): number[] {
  // The log's `29/Nov/2026:21:16:25 +0000` parses once its date and time are apart.
  const seconds = requests.map((r) => Date.parse(r.time.replaceAll("/", " ").replace(":", " ")) / 1000);
  const first = Math.min(...seconds);
  const counts = Array.from({ length: Math.max(...seconds) - first + 1 }, () => 0);
  for (const s of seconds) counts[s - first] = (counts[s - first] ?? 0) + 1;
  return counts;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

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

/** Every reference with an observation, and every event as [reference, kind, detail code]. */
async function recorded(databaseUrl: string): Promise<{ seen: Set<string>; events: [string, string, string][] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const seen = await client.query("SELECT DISTINCT reference FROM observations WHERE digest IS NOT NULL");
    const events = await client.query("SELECT reference, kind, detail FROM events ORDER BY id");
    return {
      seen: new Set(seen.rows.map((r) => String(r.reference))),
      events: events.rows.map((r) => [r.reference, r.kind, JSON.parse(r.detail ?? "{}").code]),
    };
  } finally {
    await client.end();
  }
}

describe("perRegistry limits across three watch workers", { skip }, () => {
  let registry: RunningRegistry;
  let hub: RateLimitedRegistry;
  let cluster: RunningPostgres;
  const workers: TrackedChild[] = [];
  before(async () => {
    [registry, hub, cluster] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRateLimitedRegistry(100),
      startPostgres(),
    ]);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all([registry?.stop(), hub?.stop(), cluster?.stop()]);
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
    const counts = perSecond(requests);
    const busiest = Math.max(...counts);
    const busiestWindow = Math.max(...counts.map((_, i) => sum(counts.slice(i, i + WINDOW_SECONDS))));
    const byWorker = await jobsByWorker(databaseUrl, cycle);
    t.diagnostic(
      `fleet pace: ${requests.length} requests in ${counts.length} s, budget ${budget}/s; per second ${JSON.stringify(counts)}; busiest second ${busiest}, busiest ${WINDOW_SECONDS} s ${busiestWindow}; jobs ${JSON.stringify(byWorker)}`,
    );
    assert.deepEqual(Object.keys(byWorker).sort(), WORKERS, "every worker took part");
    assert.ok(requests.length >= 200, "every tag was asked for");
    // The slots are 1/budget s apart by the database's clock; the registry
    // stamps a request when it arrives, which is a slot plus however late the
    // worker's timer and pause read run on a busy machine (up to a quarter
    // second allowed). Lateness L lets at most budget·L + 1 more requests into
    // a window than its length holds. Each worker's client also says hello
    // (`GET /v2/`) once per host before its first request, outside the pace.
    // That is the margin; a budget per process would be 3×, per check 2×.
    const margin = budget * LATENESS_SECONDS + 1 + WORKERS.length;
    assert.ok(busiest <= budget + margin, `at most ${budget} + ${margin} requests in any second`);
    assert.ok(
      busiestWindow <= budget * WINDOW_SECONDS + margin,
      `at most ${budget * WINDOW_SECONDS} + ${margin} requests in any ${WINDOW_SECONDS} s`,
    );
  });

  it("stops every worker's requests to a registry once one worker sees its rate-limit floor", async (t) => {
    const floor = 5;
    const concurrency = 2;
    const dir = await tempFolder();
    const databaseUrl = await cluster.createDatabase();
    const references = Array.from({ length: 120 }, (_, i) => `${hub.host}/team/app:t${i}`);
    const schedule = yearlyAt(new Date(2000, 0, 1));
    // A slow pace keeps a worker's requests apart, so what may follow the
    // floor is only what was already under way, however busy the machine.
    await writeFleetConfig(dir, {
      references,
      schedule,
      perRegistry: `{ concurrency: ${concurrency}, requestsPerSecond: 5, rateLimitFloor: ${floor} }`,
    });
    // Once every worker is under way, the registry tells w1 alone that it is at the floor.
    hub.beforeAnswer = (via) => {
      const underWay = WORKERS.every((w) => hub.answers.filter((a) => a.via === w).length >= 4);
      hub.remaining = underWay && via === "w1" ? floor : 100;
    };
    for (const worker of WORKERS) {
      const proxy = await hub.proxyFor(worker);
      const env = { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: "", no_proxy: "" };
      workers.push(startWorker({ dir, databaseUrl, worker, leaseSeconds: 60, env }));
    }
    await waitForCycle(databaseUrl, cycleTick(schedule), (p) => p.total === 120 && p.done === 120, CYCLE_TIMEOUT_MS);

    assert.ok(
      hub.answers.every((a) => a.via !== undefined),
      "every request came through a worker's proxy",
    );
    const firstLow = hub.answers.findIndex((a) => a.remaining === floor);
    assert.ok(firstLow > 0, "the registry fell to the floor during the cycle");
    const afterFloor: Record<string, number> = Object.fromEntries(
      WORKERS.map((w) => [w, hub.answers.slice(firstLow + 1).filter((a) => a.via === w).length]),
    );
    assert.deepEqual(
      hub.answers.filter((a) => a.remaining === floor && a.via !== "w1"),
      [],
      "only w1 was told",
    );
    t.diagnostic(`requests after the floor was first answered (index ${firstLow}): ${JSON.stringify(afterFloor)}`);
    // Only requests already under way when the pause was shared may follow: one per concurrent check.
    for (const w of WORKERS)
      assert.ok((afterFloor[w] ?? 0) <= concurrency, `${w} sent ${afterFloor[w]} requests after the floor`);

    const { seen, events } = await recorded(databaseUrl);
    const paused = events.filter(([, kind, code]) => kind === "check-error" && code === "TOO_MANY_REQUESTS");
    assert.ok(paused.length > 0, "the unsent checks are reported");
    assert.deepEqual(
      events.filter(([, kind]) => kind !== "check-error"),
      [],
      "nothing taken for deleted or moved",
    );
    assert.equal(paused.length + seen.size, references.length, "each tag either checked or reported paused");
    assert.deepEqual(
      paused.filter(([reference]) => seen.has(reference)),
      [],
    );
  });
});
