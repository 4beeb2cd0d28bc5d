import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, type BuiltImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { readRefs } from "../store/cache/cache-refs.js";
import { countingStore } from "../../test/support/counting-store.js";
import { noiseBytes } from "../../test/support/noise-image.js";
import { tempCaches } from "../../test/support/temp-cache.js";
import { verifyExitCode } from "../verify/render-verify.js";
import { verifyImage, type VerifyProgress } from "./verify-image.js";
import { CachingStore } from "../store/cache/caching-store.js";
import { parseLocation, type OpenedLocation } from "../store/open-location.js";
import { verifyReference } from "../verify/verify-reference.js";

// The library call behind `verify`, over an OCI layout: what is read, what
// is reported, and how cancelling ends it.

const shared = [{ path: "etc/shared.bin", content: noiseBytes("shared", 200_000) }];

describe("verifyImage over an OCI layout", () => {
  let dir: string;
  let store: OciLayoutStore;
  let image: BuiltImage;
  const caches = tempCaches("verify-image");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "digestguard-verify-image-"));
    store = await OciLayoutStore.open(join(dir, "layout"), { create: true });
    image = await buildImage({
      flavour: "docker",
      platforms: ["amd64", "arm64"].map((architecture) => ({
        os: "linux",
        architecture,
        layers: [shared, [{ path: "etc/arch", content: architecture }]],
      })),
    });
    await writeImage(store, image, { tags: ["1.0"] });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await caches.cleanup();
  });

  const isConfig = (mediaType: string): boolean =>
    mediaType.includes("config") || mediaType.includes("container.image");
  const layers = () => image.blobs.filter((b) => !isConfig(b.descriptor.mediaType));
  const sizeOf = (blobs: BuiltImage["blobs"]): number => blobs.reduce((sum, b) => sum + b.bytes.length, 0);
  const layerBytes = () => sizeOf(layers());

  test("a layer shared by two platforms is read once and reported for each", async () => {
    const counted = countingStore(store);
    const report = await verifyImage(counted, { tag: "1.0" }, { display: "app:1.0" });
    assert.equal(report.ok, true);
    assert.equal(report.kind, "index");
    assert.deepEqual(report.blobs.map((b) => `${b.platform} ${b.role} ${b.layerIndex ?? "-"}`).sort(), [
      "linux/amd64 config -",
      "linux/amd64 layer 0",
      "linux/amd64 layer 1",
      "linux/arm64 config -",
      "linux/arm64 layer 0",
      "linux/arm64 layer 1",
    ]);
    assert.equal(layers().length, 3, "the fixture shares one of four layers");
    assert.equal(counted.served.bytes, sizeOf(image.blobs), "each config and unique layer read exactly once");
    assert.equal(verifyExitCode([report]), 0);
  });

  test("progress sees every unique layer byte once, and counts each unique blob once", async () => {
    const seen = { total: 0, blobs: 0, advanced: 0, done: [] as string[] };
    const progress: VerifyProgress = {
      start: (total, blobs) => Object.assign(seen, { total, blobs }),
      advance: (bytes) => void (seen.advanced += bytes),
      blobDone: (digest) => void seen.done.push(digest),
    };
    await verifyImage(store, { tag: "1.0" }, { display: "app:1.0", progress });
    assert.deepEqual([seen.total, seen.blobs, seen.advanced], [layerBytes(), 3, layerBytes()]);
    // The counter must end at blobs/blobs (3/3), never beyond: a layer shared by two platforms counts once.
    assert.deepEqual(
      seen.done.sort(),
      layers()
        .map((b) => b.descriptor.digest)
        .sort(),
    );
  });

  test("progress counts a blob as soon as it finishes, not when every blob has", async () => {
    const events: string[] = [];
    const progress: VerifyProgress = {
      start: () => undefined,
      advance: () => void (events.at(-1) !== "bytes" && events.push("bytes")),
      blobDone: () => void events.push("done"),
    };
    await verifyImage(store, { tag: "1.0" }, { display: "app:1.0", progress, concurrency: 1 });
    assert.deepEqual(events, ["bytes", "done", "bytes", "done", "bytes", "done"]);
  });

  test("a top manifest that cannot be read is reported without placeholder values", async () => {
    const report = await verifyImage(store, { tag: "no-such-tag" }, { display: "app:no-such-tag" });
    assert.equal(report.ok, false);
    const [top] = report.manifests;
    assert.equal(top?.status, "failed");
    assert.equal(top?.failure?.code, "MANIFEST_UNKNOWN");
    for (const field of ["mediaType", "digest", "size"] as const)
      assert.equal(field in (top as object), false, `${field} is absent, not a placeholder`);
    assert.match(top?.unknown ?? "", /could not be read/);
  });

  test("--manifests-only reads configs but no layer, and marks layers skipped", async () => {
    const counted = countingStore(store);
    const report = await verifyImage(counted, { tag: "1.0" }, { display: "app:1.0", mode: "manifests-only" });
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.blobs.filter((b) => b.role === "layer").map((b) => b.status),
      ["skipped", "skipped", "skipped", "skipped"],
    );
    assert.equal(report.totals.blobs, 2, "only the configs count as checked");
    assert.equal(
      counted.served.bytes,
      sizeOf(image.blobs.filter((b) => isConfig(b.descriptor.mediaType))),
      "configs only",
    );
  });

  test("--deep with a cache: diff_ids checked from the cached copy, everything committed", async () => {
    const cache = await caches.open();
    const report = await verifyImage(
      new CachingStore(store, cache),
      { tag: "1.0" },
      { display: "app:1.0", mode: "deep" },
    );
    assert.equal(report.ok, true);
    assert.ok(report.blobs.filter((b) => b.role === "layer").every((b) => b.diffId?.status === "ok"));
    for (const blob of image.blobs) assert.equal(await cache.has(blob.descriptor), true, blob.descriptor.digest);
  });

  // The layout store, opened under a registry name: how verify sees a registry reference.
  const openAsRegistry = async (reference: string): Promise<OpenedLocation> => {
    const location = parseLocation(reference);
    return { store, target: location.target, location, display: reference };
  };

  test("a cache records the reference only when the whole image verified", async () => {
    const cache = await caches.open();
    const [layer] = layers().filter((b) => b.bytes.length < 10_000);
    assert.ok(layer !== undefined);
    const path = store.blobPath(layer.descriptor.digest);
    const changed = Buffer.from(layer.bytes);
    changed[changed.length >> 1] = (changed[changed.length >> 1] as number) ^ 1;
    await writeFile(path, changed);
    try {
      const failed = await verifyReference("example.test/app:1.0", { open: openAsRegistry, cache });
      assert.equal(failed.ok, false);
      assert.deepEqual((await readRefs(cache.root)).refs, {}, "a failed verify names nothing in the cache");
    } finally {
      await writeFile(path, layer.bytes);
    }
    assert.equal((await verifyReference("example.test/app:1.0", { open: openAsRegistry, cache })).ok, true);
    assert.equal((await readRefs(cache.root)).refs["example.test/app:1.0"]?.digest, image.root.digest);
  });

  test("cancelling mid-layer ends the call with ABORTED, not a report of failures", async () => {
    for (const withCache of [false, true]) {
      const controller = new AbortController();
      const progress: VerifyProgress = {
        start: () => undefined,
        advance: () => controller.abort(),
        blobDone: () => undefined,
      };
      const cache = withCache ? await caches.open() : undefined;
      await assert.rejects(
        verifyImage(
          cache ? new CachingStore(store, cache) : store,
          { tag: "1.0" },
          { display: "app:1.0", signal: controller.signal, progress },
        ),
        { code: "ABORTED" },
        withCache ? "with a cache" : "without a cache",
      );
    }
  });
});
