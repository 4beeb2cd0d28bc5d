import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import type { TrackedChild } from "../support/child-reaper.js";
import { cycleTick } from "../../src/watch/shared-cycle.js";
import { freeLoopbackPort } from "../support/loopback.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { seedTags, startWorker, waitForCycle, writeFleetConfig } from "../support/watch-fleet.js";

// Two real `dg watch` workers on one PostgreSQL, one serving the dashboard:
// its /api/v1/workers shows both, and each image names the worker that
// checked it, so any worker's dashboard shows the whole fleet.

const SCHEDULE = "*/30 * * * * *";
const tempFolder = tempFolders("watch-fleet-dashboard");
const skip = registrySkipReason() || postgresSkipReason();

async function getJson(url: string): Promise<any> {
  return (await request(url)).body.json();
}

describe("the dashboard of one watch worker", { skip }, () => {
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

  it("shows every worker sharing the database, and who checked each image", async () => {
    const dir = await tempFolder();
    const databaseUrl = await cluster.createDatabase();
    const references = await seedTags(registry, 2, 20);
    // Paced to 20 requests a second across the fleet, small batches: the cycle lasts long enough for both to take part.
    await writeFleetConfig(dir, {
      references,
      schedule: SCHEDULE,
      webhook: "http://127.0.0.1:9/",
      secret: "s",
      perRegistry: "{ concurrency: 1, requestsPerSecond: 20 }",
    });
    // Start just after a tick, so the start-up cycle has the interval to itself.
    await sleep(30_000 - (Date.now() % 30_000) + 200);
    const cycle = cycleTick(SCHEDULE);
    const port = await freeLoopbackPort();
    workers.push(
      startWorker({
        dir,
        registry,
        databaseUrl,
        worker: "w1",
        leaseSeconds: 5,
        args: ["--listen", `127.0.0.1:${port}`],
      }),
      startWorker({ dir, registry, databaseUrl, worker: "w2", leaseSeconds: 5 }),
    );
    const progress = await waitForCycle(databaseUrl, cycle, (p) => p.total === 40 && p.done === 40);
    assert.equal(progress.done, 40);

    const url = `http://127.0.0.1:${port}`;
    let fleet: { workers: { worker: string; checks: number; lastCheckAt: string }[] } = { workers: [] };
    for (let waited = 0; waited < 20_000; waited += 200) {
      fleet = await getJson(`${url}/api/v1/workers`).catch(() => ({ workers: [] }));
      if (fleet.workers.reduce((n, w) => n + w.checks, 0) === 40) break;
      await sleep(200);
    }
    const names = fleet.workers.map((w) => w.worker).sort();
    const checks = fleet.workers.reduce((n, w) => n + w.checks, 0);
    assert.equal(checks, 40, "every tag's last check is counted once");
    assert.deepEqual(names, ["w1", "w2"], `both workers in the fleet: ${JSON.stringify(fleet)}`);
    const { images } = await getJson(`${url}/api/v1/images`);
    assert.equal(images.length, 40);
    assert.ok(images.every((i: any) => ["w1", "w2"].includes(i.checkedBy) && typeof i.checkedAt === "string"));
    const page = await (await request(`${url}/fleet`)).body.text();
    assert.match(page, /<td class="worker">w1<\/td>/);
    assert.match(page, /<td class="worker">w2<\/td>/);
  });
});
