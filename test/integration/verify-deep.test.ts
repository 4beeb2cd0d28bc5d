import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { digestOf } from "../../src/oci/digest.js";
import type { VerifyReport } from "../../src/image/verify-report.js";
import { handmadeImage, handmadeLayer, type HandmadeLayer } from "../support/handmade-image.js";
import { noiseBytes, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { requireToolOrSkip } from "../support/require-tool.js";
import { runCli } from "../support/run-cli.js";
import { tempCaches } from "../support/temp-cache.js";
import { failedChecks, layerCheck, verifyAt } from "../support/verify-run.js";

// --deep decompresses every layer and checks it against the config's
// rootfs.diff_ids; a diff_id mismatch is its own failure, apart from a
// compressed blob whose digest is wrong.

const REPO = "deep/app";
const zstdTool = { name: "zstd", available: existsSync("/usr/bin/zstd"), install: "apt-get install zstd" };

describe("verify --deep against the real registry", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let layers: HandmadeLayer[];
  const caches = tempCaches("verify-deep");
  const ref = (tag: string) => `${registry.host}/${REPO}:${tag}`;

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    // Larger than the 1 MiB read size, so each decompressor sees the body in several pieces.
    const big = Buffer.concat([noiseBytes("deep", 600_000), Buffer.from("compressible line\n".repeat(80_000))]);
    layers = [
      await handmadeLayer(
        [
          { path: "etc/gzip.txt", content: "a gzip layer\n" },
          { path: "opt/big.bin", content: big },
        ],
        "gzip",
      ),
      ...(zstdTool.available
        ? [
            await handmadeLayer(
              [
                { path: "opt/zstd.bin", content: big },
                { path: "etc/zstd.txt", content: "a zstd layer\n" },
              ],
              "zstd",
            ),
          ]
        : []),
      await handmadeLayer([{ path: "etc/plain.txt", content: "an uncompressed layer\n" }], "none"),
    ];
    const [first, , last] = layers;
    assert.ok(first !== undefined && last !== undefined);
    await pushImage(registry, REPO, handmadeImage(layers), ["good"]);
    await pushImage(
      registry,
      REPO,
      handmadeImage(layers, { diffIds: layers.map((l, i) => (i === 1 ? first.diffId : l.diffId)) }),
      ["wrong-diff-id"],
    );
    await pushImage(registry, REPO, handmadeImage(layers, { diffIds: layers.slice(0, -1).map((l) => l.diffId) }), [
      "too-few-diff-ids",
    ]);
  });
  after(async () => {
    await registry?.stop();
    await caches.cleanup();
  });

  test("gzip, zstd (made by the zstd program) and plain tar layers all match their diff_ids", async (t) => {
    if (!requireToolOrSkip(t, zstdTool)) return;
    for (const cache of [undefined, await caches.open()]) {
      const report = await verifyAt(
        registry,
        registry.host,
        REPO,
        { tag: "good" },
        { mode: "deep", ...(cache ? { cache } : {}) },
      );
      assert.deepEqual(failedChecks(report), [], JSON.stringify(report.blobs.find((b) => b.failure)));
      assert.equal(report.ok, true);
      assert.deepEqual(
        report.blobs.filter((b) => b.role === "layer").map((b) => b.mediaType),
        layers.map((l) => l.mediaType),
      );
      layers.forEach((layer, i) =>
        assert.deepEqual(layerCheck(report, undefined, i).diffId, {
          expected: layer.diffId,
          actual: layer.diffId,
          status: "ok",
        }),
      );
    }
    const cli = await runCli(["verify", "--deep", ref("good")]);
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.equal(cli.stdout.toString().match(/diff_id ok/g)?.length, layers.length);
  });

  test("a config with a wrong diff_id: DIFF_ID_MISMATCH on that layer, while its blob digest verifies", async () => {
    const [first, second] = layers;
    assert.ok(first !== undefined && second !== undefined);
    const full = await verifyAt(registry, registry.host, REPO, { tag: "wrong-diff-id" });
    assert.equal(full.ok, true, "without --deep every blob digest verifies: the bytes are what the manifest names");
    const deep = await verifyAt(registry, registry.host, REPO, { tag: "wrong-diff-id" }, { mode: "deep" });
    assert.equal(deep.ok, false);
    assert.deepEqual(failedChecks(deep), ["-#layer#1"]);
    const check = layerCheck(deep, undefined, 1);
    assert.deepEqual(check.diffId, { expected: first.diffId, actual: second.diffId, status: "failed" });
    assert.equal(check.failure?.code, "DIFF_ID_MISMATCH");
    assert.notEqual(check.failure?.code, "DIGEST_MISMATCH");
    assert.match(check.failure?.meaning ?? "", /compressed blob is intact/);
    assert.deepEqual([check.failure?.expectedDigest, check.failure?.actualDigest], [first.diffId, second.diffId]);
    assert.notEqual(check.failure?.expectedDigest, check.digest, "the diff_id is compared, not the blob digest");
    const cli = await runCli(["verify", "--deep", ref("wrong-diff-id")]);
    assert.equal(cli.exitCode, 6, cli.stderr);
    assert.match(
      cli.stdout.toString(),
      new RegExp(`\\[DIFF_ID_MISMATCH\\]\\n\\s+expected ${first.diffId} \\(diff_id\\)`),
    );
  });

  test("under --deep, a changed zstd layer is still a DIGEST_MISMATCH, and a published broken one 'does not decompress'", async (t) => {
    if (!requireToolOrSkip(t, zstdTool)) return;
    const zstd = layers[1];
    assert.ok(zstd !== undefined);
    const stored = registry.blobDataPath(digestOf(zstd.bytes));
    const original = await readFile(stored);
    const changed = Buffer.from(original);
    changed[changed.length >> 3] = (changed[changed.length >> 3] as number) ^ 0x55;
    await writeFile(stored, changed);
    try {
      const report = await verifyAt(registry, registry.host, REPO, { tag: "good" }, { mode: "deep" });
      assert.deepEqual(failedChecks(report), ["-#layer#1"]);
      assert.equal(layerCheck(report, undefined, 1).failure?.code, "DIGEST_MISMATCH");
      assert.equal(layerCheck(report, undefined, 1).failure?.actualDigest, digestOf(changed));
    } finally {
      await writeFile(stored, original);
    }
    const broken = { ...zstd, bytes: zstd.bytes.subarray(0, zstd.bytes.length - 50) };
    await pushImage(registry, REPO, handmadeImage([broken]), ["broken-zstd"]);
    const report = await verifyAt(registry, registry.host, REPO, { tag: "broken-zstd" }, { mode: "deep" });
    const failure = layerCheck(report, undefined, 0).failure;
    assert.deepEqual(
      [failure?.code, failure?.meaning],
      ["DIFF_ID_MISMATCH", "the compressed blob is intact, but it does not decompress"],
    );
    assert.equal(
      (await verifyAt(registry, registry.host, REPO, { tag: "broken-zstd" })).ok,
      true,
      "the blob itself is what the manifest names",
    );
  });

  test("a config with fewer diff_ids than layers: a problem for the image, the extra layer unchecked", async () => {
    for (const mode of ["full", "deep"] as const) {
      const report = await verifyAt(registry, registry.host, REPO, { tag: "too-few-diff-ids" }, { mode });
      assert.equal(report.ok, false);
      assert.deepEqual(report.problems, [
        { message: `the manifest lists ${layers.length} layers but the config lists ${layers.length - 1} diff_ids` },
      ]);
      assert.deepEqual(failedChecks(report), [], "every blob itself verifies");
      if (mode === "deep") assert.equal(layerCheck(report, undefined, layers.length - 1).diffId?.status, "unchecked");
    }
    const cli = await runCli(["verify", "--json", ref("too-few-diff-ids")]);
    assert.equal(cli.exitCode, 6, cli.stderr);
    const json = JSON.parse(cli.stdout.toString()) as { reports: VerifyReport[] };
    assert.equal(json.reports[0]?.problems.length, 1);
  });
});
