import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildNoiseIndex } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { pushConcurrencyImages, runCacheConcurrency, type ConcurrencyImage } from "../support/cache-concurrency-run.js";
import { tempCaches } from "../support/temp-cache.js";

// Many real `digestguard verify --cache` processes share one cache folder,
// some are SIGKILLed mid-run and a `cache prune` runs alongside: nothing
// corrupt may be committed and no successful run's reference may be lost.
// bench/cache-concurrency-bench.ts runs the same with more rounds.

const ROUNDS = Number(process.env["DIGESTGUARD_CONCURRENCY_ROUNDS"] ?? 4);
const PROCESSES = 8;

describe("verify --cache from many processes at once over one cache", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let images: ConcurrencyImage[];
  const caches = tempCaches("cache-concurrency");

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    images = await Promise.all(
      ["one", "two", "three"].map(async (seed) => ({
        repository: `race/${seed}`,
        image: await buildNoiseIndex(`race-${seed}`, 512 * 1024),
      })),
    );
    await pushConcurrencyImages(registry, images, { rounds: ROUNDS, processes: PROCESSES });
  });
  after(async () => {
    await registry?.stop();
    await caches.cleanup();
  });

  test(`${ROUNDS} rounds x ${PROCESSES} processes: no corrupt blob, no lost reference, no failed run`, {
    timeout: 180_000,
  }, async (t) => {
    const figures = await runCacheConcurrency({
      registry,
      images,
      cacheDir: await caches.folder(),
      rounds: ROUNDS,
      processes: PROCESSES,
    });
    const { failed, corruptBlobs, lostRefs, ...counts } = figures;
    t.diagnostic(
      JSON.stringify({
        ...counts,
        failed: failed.length,
        corruptBlobs: corruptBlobs.length,
        lostRefs: lostRefs.length,
      }),
    );
    assert.deepEqual(figures.failed, [], "every run that was not killed succeeded");
    assert.deepEqual(figures.corruptBlobs, [], "every committed blob hashes to its name and has its size");
    assert.equal(figures.quarantinedByCacheVerify, 0, "cache verify finds no bad blob");
    assert.deepEqual(figures.lostRefs, [], "refs.json holds every successful run's reference");
    assert.ok(figures.blobsChecked > 0 && figures.succeeded > 0);
  });
});
