import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { DOCUMENT_SCHEMAS } from "../../src/cli/schemas/output-schemas.js";
import { PostgresHistoryStore } from "../../src/history/postgres-history-store.js";
import { imageJob, SYNC_QUEUE, sharedImages } from "../../src/sync/shared-pass.js";
import { spawnTracked, type TrackedChild } from "../support/child-reaper.js";
import { pushImage } from "../support/noise-image.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";
import { seededImage } from "../support/watch-fleet.js";

// Two real `dg sync --schedule` workers sharing one PostgreSQL: each pass
// (named by its schedule tick) hands each image to exactly one of them, the
// destination registry receives each image's manifest once, and verifies.

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const IMAGES = 6;
const SCHEDULE = "*/3 * * * * *";
const tempFolder = tempFolders("sync-workers");
const skip = registrySkipReason() || postgresSkipReason();

interface PassLine {
  pass: number;
  tick?: string;
  worker?: string;
  images: { source: string; tags: { status: string }[] }[];
}

function startSyncWorker(
  config: string,
  databaseUrl: string,
  worker: string,
): { tracked: TrackedChild; lines: () => PassLine[] } {
  const tracked = spawnTracked(
    process.execPath,
    [BIN, "sync", "--json", "--schedule", SCHEDULE, "--worker-id", worker, "--config", config],
    {
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, DIGESTGUARD_DATABASE_URL: databaseUrl, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
    },
  );
  let stdout = "";
  tracked.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const lines = () =>
    stdout
      .split("\n")
      .slice(0, -1) // a line still being written is not read yet
      .filter(Boolean)
      .map((line) => JSON.parse(line) as PassLine);
  return { tracked, lines };
}

describe("two sync workers sharing one PostgreSQL", { skip }, () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let cluster: RunningPostgres;
  const workers: TrackedChild[] = [];
  before(async () => {
    [source, target, cluster] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "http" }),
      startPostgres(),
    ]);
    for (let i = 0; i < IMAGES; i++) await pushImage(source, `team/app${i}`, await seededImage(`app${i}`), ["1.0"]);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all([source?.stop(), target?.stop(), cluster?.stop()]);
  });

  it("syncs each image by exactly one worker per pass, and the destination verifies", async () => {
    const config = join(await tempFolder(), "digestguard.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "sync:",
        "  version: 1",
        `  target: "${target.host}/mirror/{repo}"`,
        "  images:",
        ...Array.from({ length: IMAGES }, (_, i) => `    - source: ${source.host}/team/app${i}`),
        "",
      ].join("\n"),
    );
    const databaseUrl = await cluster.createDatabase();
    const runs = ["w1", "w2"].map((worker) => startSyncWorker(config, databaseUrl, worker));
    workers.push(...runs.map((r) => r.tracked));
    const all = () => runs.flatMap((r) => r.lines());
    const ticks = () => [...new Set(all().map((l) => l.tick))].sort();
    for (let waited = 0; ticks().length < 4 && waited < 40_000; waited += 100) await sleep(100);
    await Promise.all(runs.map((r) => r.tracked.kill()));

    const lines = all();
    for (const line of lines) assert.ok(DOCUMENT_SCHEMAS["sync"]?.safeParse({ schemaVersion: 1, ...line }).success);
    assert.ok(
      lines.every((l) => typeof l.tick === "string" && typeof l.worker === "string"),
      "passes name tick and worker",
    );
    // The newest tick may still be running when the workers were stopped: judge the ones before it.
    const finished = ticks().slice(0, -1);
    assert.ok(finished.length >= 3, `three passes at least: ${JSON.stringify(ticks())}`);
    const expected = Array.from({ length: IMAGES }, (_, i) => `${source.host}/team/app${i}`);
    for (const tick of finished) {
      const synced = lines.filter((l) => l.tick === tick).flatMap((l) => l.images.map((i) => i.source));
      assert.deepEqual(synced.sort(), expected, `tick ${tick}: each image synced by exactly one worker`);
    }
    const workersWithImages = new Set(lines.filter((l) => l.images.length > 0).map((l) => l.worker));
    assert.deepEqual([...workersWithImages].sort(), ["w1", "w2"], "both workers took a share");
    const copied = lines.flatMap((l) => l.images.filter((i) => i.tags.some((t) => t.status === "copied")));
    assert.deepEqual(copied.map((i) => i.source).sort(), expected, "each image copied once in all");

    const manifestPuts = (await target.requestLog()).filter(
      (r) => r.method === "PUT" && /^\/v2\/mirror\/team\/app\d\/manifests\/1\.0$/.test(r.uri),
    );
    assert.equal(manifestPuts.length, IMAGES, "the destination received each image's manifest once");
    for (const ref of expected.map((s) => `${target.host}/mirror/${s.slice(source.host.length + 1)}:1.0`)) {
      const verify = await runCli(["verify", ref]);
      assert.equal(verify.exitCode, 0, verify.stderr + verify.stdout.toString());
    }
  });

  it("takes over a dead worker's image once its lease runs out, and syncs every image once", async () => {
    const history = await PostgresHistoryStore.open(await cluster.createDatabase());
    try {
      const images = Array.from({ length: 3 }, (_, i) => ({ source: `${source.host}/team/app${i}` }));
      const cycle = "sync:2026-01-01T00:00:00.000Z";
      const jobs = images.map((image, i) => ({ registry: SYNC_QUEUE, reference: imageJob(i, image) }));
      await history.planCycle(cycle, jobs);
      // A worker SIGKILLed mid-image: it claimed one and never marks it done.
      const dead = await history.claimJobs({ cycle, registry: SYNC_QUEUE, worker: "dead", limit: 1, leaseMs: 1500 });
      assert.deepEqual(dead, [imageJob(0, images[0] as { source: string })]);
      const synced: number[] = [];
      for await (const index of sharedImages(images, { history, cycle, worker: "w2", leaseMs: 1500 }))
        synced.push(index);
      assert.deepEqual(synced.sort(), [0, 1, 2], "the dead worker's image too, after its lease");
      assert.equal(await history.jobsLeft(cycle, SYNC_QUEUE), 0);
    } finally {
      await history.close();
    }
  });
});
