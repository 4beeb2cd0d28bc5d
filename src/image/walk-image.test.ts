import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import type { Platform } from "../oci/descriptor.js";
import { MediaType } from "../oci/media-types.js";
import { MemoryManifestStore, testManifest, type TestManifest } from "../../test/support/memory-manifest-store.js";
import { walkImage } from "./walk-image.js";

const config = { mediaType: MediaType.ociConfig, digest: `sha256:${"c".repeat(64)}`, size: 10 };
const layer = (n: number) => ({
  mediaType: MediaType.ociLayerGzip,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100 + n,
});

function image(layers: number[]): TestManifest {
  return testManifest(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: layers.map(layer),
  });
}

function index(entries: { manifest: TestManifest; platform?: Platform; size?: number }[]): TestManifest {
  return testManifest(MediaType.ociIndex, {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: entries.map((e) => ({
      ...e.manifest.descriptor,
      ...(e.size !== undefined ? { size: e.size } : {}),
      ...(e.platform ? { platform: e.platform } : {}),
    })),
  });
}

const amd64 = image([1, 2]);
const arm64 = image([1, 3]);
const attestation = image([4]);
const linux = (architecture: string): Platform => ({ os: "linux", architecture });

function twoPlatforms(extra: { manifest: TestManifest; platform?: Platform; size?: number }[] = []): {
  store: MemoryManifestStore;
  top: TestManifest;
} {
  const top = index([
    { manifest: amd64, platform: linux("amd64") },
    { manifest: arm64, platform: linux("arm64") },
    ...extra,
  ]);
  return { top, store: new MemoryManifestStore().add(amd64).add(arm64).add(attestation).add(top, "1.0") };
}

describe("walkImage", () => {
  test("an index: every platform's image, attestation manifests marked", async () => {
    const { store, top } = twoPlatforms([
      { manifest: attestation, platform: { os: "unknown", architecture: "unknown" } },
    ]);
    const tree = await walkImage(store, { tag: "1.0" });
    assert.equal(tree.root.digest, top.descriptor.digest);
    assert.deepEqual(
      tree.images.map((i) => [i.platform, i.attestation, i.layers.length]),
      [
        ["linux/amd64", false, 2],
        ["linux/arm64", false, 2],
        ["unknown/unknown", true, 1],
      ],
    );
    assert.deepEqual(
      tree.images[1]?.layers.map((l) => l.digest),
      [layer(1).digest, layer(3).digest],
    );
    assert.deepEqual(tree.failures, []);
  });

  test("a lone image manifest is one image without a platform", async () => {
    const store = new MemoryManifestStore().add(amd64, "single");
    const tree = await walkImage(store, { tag: "single" });
    assert.deepEqual(
      tree.images.map((i) => [i.platform, i.manifest.digest]),
      [[undefined, amd64.descriptor.digest]],
    );
  });

  test("with a platform, only that child is fetched", async () => {
    const { store, top } = twoPlatforms();
    const tree = await walkImage(store, { tag: "1.0" }, { platform: linux("arm64") });
    assert.deepEqual(
      tree.images.map((i) => i.platform),
      ["linux/arm64"],
    );
    assert.deepEqual(store.fetched, [top.descriptor.digest, arm64.descriptor.digest]);
    await assert.rejects(walkImage(store, { tag: "1.0" }, { platform: linux("s390x") }), {
      code: "PLATFORM_NOT_FOUND",
    });
  });

  test("a child whose size differs from its index entry is a failure of that platform; the others are walked", async () => {
    const top = index([
      { manifest: amd64, platform: linux("amd64"), size: amd64.descriptor.size + 1 },
      { manifest: arm64, platform: linux("arm64") },
    ]);
    const store = new MemoryManifestStore().add(amd64).add(arm64).add(top, "1.0");
    const tree = await walkImage(store, { tag: "1.0" });
    assert.deepEqual(
      tree.images.map((i) => i.platform),
      ["linux/arm64"],
    );
    assert.deepEqual(
      tree.failures.map((f) => [f.platform, f.error.code, f.error.details["received"]]),
      [["linux/amd64", "SIZE_MISMATCH", amd64.descriptor.size]],
    );
  });

  test("a child missing or served with other bytes is a failure of that platform", async () => {
    const { store } = twoPlatforms();
    store.serve.set(amd64.descriptor.digest, arm64.bytes);
    store.fail.set(arm64.descriptor.digest, new DigestguardError("MANIFEST_UNKNOWN", "Cannot find it."));
    const tree = await walkImage(store, { tag: "1.0" });
    assert.deepEqual(tree.images, []);
    assert.deepEqual(
      tree.failures.map((f) => [f.platform, f.error.code]),
      [
        ["linux/amd64", "DIGEST_MISMATCH"],
        ["linux/arm64", "MANIFEST_UNKNOWN"],
      ],
    );
  });

  test("cancelling, and failures that are not typed, stop the walk instead of becoming a platform failure", async () => {
    for (const error of [new DigestguardError("ABORTED", "Cannot finish: cancelled."), new TypeError("a bug")]) {
      const { store } = twoPlatforms();
      store.fail.set(arm64.descriptor.digest, error);
      await assert.rejects(walkImage(store, { tag: "1.0" }), (thrown: unknown) => thrown === error);
    }
  });

  test("nested indexes are followed; deeper than four is a failure, not an endless walk", async () => {
    let nested = index([{ manifest: amd64, platform: linux("amd64") }]);
    const store = new MemoryManifestStore().add(amd64).add(nested);
    const top = index([{ manifest: nested }]);
    store.add(top, "nested");
    assert.deepEqual(
      (await walkImage(store, { tag: "nested" })).images.map((i) => i.platform),
      ["linux/amd64"],
    );
    for (let depth = 0; depth < 5; depth++) {
      nested = index([{ manifest: nested }]);
      store.add(nested);
    }
    store.add(nested, "deep");
    const tree = await walkImage(store, { tag: "deep" });
    assert.deepEqual(tree.images, []);
    assert.deepEqual(
      tree.failures.map((f) => f.error.code),
      ["MANIFEST_INVALID"],
    );
    assert.match(tree.failures[0]?.error.message ?? "", /nested more than 4 deep/);
  });
});
