import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { EMPTY_SHA256 } from "../../src/oci/digest.js";
import type { VerifyReport } from "../../src/image/verify-report.js";
import { builtLayer, noiseBytes, pushImage, sha256Of } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoAvailable } from "../support/skopeo.js";
import { tempCaches } from "../support/temp-cache.js";
import { cachedFiles, failedChecks, layerCheck, verifyAt } from "../support/verify-run.js";

// Bytes changed inside the real registry's own storage, as a disk or a sync
// fault would change them: verify names the platform(s) and layer index.

const REPO = "corrupt/app";
// amd64 and arm64 share layer 0; arm/v7 has its own.
const shared = [{ path: "etc/base.bin", content: noiseBytes("shared-base", 8192) }];
const own = (arch: string) => [{ path: "data.bin", content: noiseBytes(`own-${arch}`, 8192) }];

function multiPlatform(): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: [
      { os: "linux", architecture: "amd64", layers: [shared, own("amd64")] },
      { os: "linux", architecture: "arm64", variant: "v8", layers: [shared, own("arm64")] },
      {
        os: "linux",
        architecture: "arm",
        variant: "v7",
        layers: [[{ path: "etc/base.bin", content: "arm base\n" }], own("arm")],
      },
    ],
  });
}

describe("verify catches corruption inside the registry's storage", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let image: BuiltImage;
  const caches = tempCaches("verify-corruption");
  const ref = () => `${registry.host}/${REPO}:1.0`;

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    image = await multiPlatform();
    await pushImage(registry, REPO, image, ["1.0"]);
  });
  after(async () => {
    await registry?.stop();
    await caches.cleanup();
  });

  // Damage the registry's data file of `digest` while `run` runs, then put the original back.
  async function damaged<T>(
    digest: string,
    damage: (bytes: Buffer) => Buffer,
    run: (bytes: Buffer) => Promise<T>,
  ): Promise<T> {
    const path = registry.blobDataPath(digest);
    const original = await readFile(path);
    const bad = damage(original);
    await writeFile(path, bad);
    try {
      return await run(bad);
    } finally {
      await writeFile(path, original);
    }
  }
  const flipOne = (bytes: Buffer): Buffer => {
    const out = Buffer.from(bytes);
    out[out.length >> 1] = (out[out.length >> 1] as number) ^ 0x01;
    return out;
  };

  test("one byte flipped in one platform's layer: that platform and layer index, the digest of the stored bytes", async () => {
    const layer = builtLayer(image, 1, 1).descriptor;
    await damaged(layer.digest, flipOne, async (bad) => {
      const cache = await caches.open();
      const report = await verifyAt(registry, registry.host, REPO, { tag: "1.0" }, { cache });
      assert.deepEqual(failedChecks(report), ["linux/arm64/v8#layer#1"]);
      const failure = layerCheck(report, "linux/arm64/v8", 1).failure;
      assert.equal(failure?.code, "DIGEST_MISMATCH");
      assert.equal(failure?.meaning, "content differs although the size is equal");
      assert.equal(failure?.expectedDigest, layer.digest);
      assert.equal(failure?.actualDigest, sha256Of(bad));
      assert.deepEqual(await cachedFiles(cache, layer.digest), {}, "the bad bytes never reach the cache");

      const cli = await runCli(["verify", "--json", ref()]);
      assert.equal(cli.exitCode, 6, cli.stderr);
      const json = JSON.parse(cli.stdout.toString()) as { ok: boolean; reports: VerifyReport[] };
      assert.equal(json.ok, false);
      const [cliReport] = json.reports;
      assert.ok(cliReport !== undefined);
      assert.equal(cliReport.digest, image.root.digest);
      assert.deepEqual(failedChecks(cliReport), ["linux/arm64/v8#layer#1"]);
      const cliFailure = layerCheck(cliReport, "linux/arm64/v8", 1).failure;
      assert.deepEqual(
        [cliFailure?.expectedDigest, cliFailure?.actualDigest, cliFailure?.expectedSize, cliFailure?.received],
        [layer.digest, sha256Of(bad), layer.size, layer.size],
      );

      if (!skopeoAvailable()) return;
      const dir = await mkdtemp(join(tmpdir(), "digestguard-skopeo-corrupt-"));
      try {
        const copied = await skopeo(["copy", "--all", `docker://${ref()}`, `oci:${dir}:1.0`], { registry });
        assert.notEqual(copied.exitCode, 0, "skopeo copy fails too");
        // skopeo: "Digest did not match, expected <ours expected>, got <ours actual>"
        assert.match(copied.stderr, new RegExp(`expected ${layer.digest}, got ${sha256Of(bad)}`));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  test("a layer shared by two platforms is reported for each of them, and only for them", async () => {
    const layer = builtLayer(image, 0, 0).descriptor;
    assert.equal(builtLayer(image, 1, 0).descriptor.digest, layer.digest, "the fixture shares layer 0");
    await damaged(layer.digest, flipOne, async () => {
      const report = await verifyAt(registry, registry.host, REPO, { tag: "1.0" });
      assert.deepEqual(failedChecks(report), ["linux/amd64#layer#0", "linux/arm64/v8#layer#0"]);
      const cli = await runCli(["verify", ref()]);
      assert.equal(cli.exitCode, 6, cli.stderr);
      const text = cli.stdout.toString();
      assert.match(text, /FAILED {2}linux\/amd64 layer 0 /);
      assert.match(text, /FAILED {2}linux\/arm64\/v8 layer 0 /);
      assert.match(text, /content differs although the size is equal \[DIGEST_MISMATCH\]/);
      assert.match(text, /^Result: FAILED — 2 problems/m);
    });
  });

  test("a truncated data file: SIZE_MISMATCH, body truncated, with the bytes received", async () => {
    const layer = builtLayer(image, 2, 1).descriptor;
    await damaged(
      layer.digest,
      (bytes) => bytes.subarray(0, 3000),
      async () => {
        const report = await verifyAt(registry, registry.host, REPO, { tag: "1.0" });
        assert.deepEqual(failedChecks(report), ["linux/arm/v7#layer#1"]);
        const failure = layerCheck(report, "linux/arm/v7", 1).failure;
        assert.equal(failure?.code, "SIZE_MISMATCH");
        assert.equal(failure?.meaning, `body truncated (3000 of ${layer.size} bytes)`);
        assert.equal(failure?.received, 3000);
        const cli = await runCli(["verify", "--json", "--platform", "linux/arm/v7", ref()]);
        assert.equal(cli.exitCode, 6, cli.stderr);
      },
    );
  });

  test("an emptied data file: body empty, where skopeo names the hash of zero bytes", async () => {
    const layer = builtLayer(image, 0, 1).descriptor;
    await damaged(
      layer.digest,
      () => Buffer.alloc(0),
      async () => {
        const report = await verifyAt(registry, registry.host, REPO, { tag: "1.0" });
        assert.deepEqual(failedChecks(report), ["linux/amd64#layer#1"]);
        const failure = layerCheck(report, "linux/amd64", 1).failure;
        assert.deepEqual([failure?.code, failure?.meaning, failure?.received], ["SIZE_MISMATCH", "body empty", 0]);
        if (!skopeoAvailable()) return;
        const dir = await mkdtemp(join(tmpdir(), "digestguard-skopeo-empty-"));
        try {
          const copied = await skopeo(["copy", "--all", `docker://${ref()}`, `oci:${dir}:1.0`], { registry });
          assert.notEqual(copied.exitCode, 0);
          assert.match(copied.stderr, new RegExp(`expected ${layer.digest}, got ${EMPTY_SHA256}`));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });

  test("after the damage is repaired, the same image verifies again", async () => {
    const report = await verifyAt(registry, registry.host, REPO, { tag: "1.0" });
    assert.deepEqual(failedChecks(report), []);
    assert.equal(report.ok, true);
  });
});
