// 8 concurrent `digestguard verify --cache` processes over 3 images, one
// shared cache folder, 20 rounds (BENCH_ROUNDS to change): every other round
// starts from an emptied cache and SIGKILLs one run at a random moment, and
// a `cache prune` runs alongside every round. Counts what must be zero:
// corrupt committed blobs, blobs `cache verify` quarantines, lost refs.json
// entries, and runs that failed without being killed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNoiseIndex } from "../test/support/noise-image.js";
import { startRegistry } from "../test/support/registry.js";
import { pushConcurrencyImages, runCacheConcurrency } from "../test/support/cache-concurrency-run.js";
import { writeFigures } from "./measure.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 20);
const PROCESSES = 8;
const registry = await startRegistry({ mode: "http" });
const cacheDir = await mkdtemp(join(tmpdir(), "dg-cache-concurrency-bench-"));
try {
  const images = await Promise.all(
    ["one", "two", "three"].map(async (seed) => ({
      repository: `race/${seed}`,
      image: await buildNoiseIndex(`race-${seed}`, 512 * 1024),
    })),
  );
  await pushConcurrencyImages(registry, images, { rounds: ROUNDS, processes: PROCESSES });
  const started = Date.now();
  const figures = await runCacheConcurrency({ registry, images, cacheDir, rounds: ROUNDS, processes: PROCESSES });
  await writeFigures("cache-concurrency", {
    rounds: figures.rounds,
    processesPerRound: figures.processes,
    runs: figures.runs,
    killedWithSigkill: figures.killed,
    succeeded: figures.succeeded,
    failedWithoutKill: figures.failed.length,
    blobsChecked: figures.blobsChecked,
    corruptBlobs: figures.corruptBlobs.length,
    quarantinedByCacheVerify: figures.quarantinedByCacheVerify,
    lostRefs: figures.lostRefs.length,
    seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    failures: figures.failed.slice(0, 5),
  });
  if (
    figures.failed.length + figures.corruptBlobs.length + figures.quarantinedByCacheVerify + figures.lostRefs.length >
    0
  )
    process.exitCode = 1;
} finally {
  await registry.stop();
  await rm(cacheDir, { recursive: true, force: true });
}
