import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import type { VerifyReport } from "../../src/image/verify-report.js";
import { buildNoiseIndex, builtLayer, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempCaches } from "../support/temp-cache.js";
import { failedChecks, layerCheck } from "../support/verify-run.js";

// `verify --cache` online, then the registry is gone, and `verify --offline`
// re-verifies the same image from the cache alone — through the real CLI.

const REPO = "offline/app";

interface CliJson {
  ok: boolean;
  reports: VerifyReport[];
}

describe("verify --cache, then verify --offline with the registry stopped", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let image: BuiltImage;
  let cacheDir: string;
  let ref: string;
  const caches = tempCaches("cache-offline");

  const verifyJson = async (args: string[]): Promise<{ exitCode: number; json: CliJson; stderr: string }> => {
    const res = await runCli(["verify", "--json", "--cache-dir", cacheDir, ...args]);
    return { exitCode: res.exitCode, stderr: res.stderr, json: JSON.parse(res.stdout.toString() || "{}") as CliJson };
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    image = await buildNoiseIndex("offline", 8 * 1024);
    await pushImage(registry, REPO, image, ["1.0"]);
    cacheDir = await caches.folder();
    ref = `${registry.host}/${REPO}:1.0`;
  });
  after(async () => {
    await registry?.stop();
    await caches.cleanup();
  });

  test("verify --cache commits every manifest and blob it proved", async () => {
    const online = await verifyJson(["--cache", ref]);
    assert.equal(online.exitCode, 0, online.stderr);
    assert.equal(online.json.ok, true);
    const ls = await runCli(["cache", "ls", "--json", "--cache-dir", cacheDir]);
    assert.equal(ls.exitCode, 0, ls.stderr);
    const listed = (JSON.parse(ls.stdout.toString()) as { entries: { digest: string }[] }).entries
      .map((e) => e.digest)
      .sort();
    const expected = [
      ...image.manifests.map((m) => m.descriptor.digest),
      ...image.blobs.map((b) => b.descriptor.digest),
    ].sort();
    assert.deepEqual(listed, expected);
  });

  test("with the registry stopped, verify --offline re-verifies the image from the cache", async () => {
    await registry.stop();
    for (const extra of [[], ["--deep"]]) {
      const offline = await verifyJson(["--offline", ...extra, ref]);
      assert.equal(offline.exitCode, 0, offline.stderr);
      const [report] = offline.json.reports;
      assert.equal(report?.ok, true);
      assert.equal(report?.digest, image.root.digest);
      assert.match(report?.reference ?? "", /\(cache\)$/);
      assert.equal(
        report?.blobs.filter((b) => b.status === "ok").length,
        2 * 3,
        "two platforms, a config and two layers each",
      );
    }
    const byDigest = await verifyJson(["--offline", `${registry.host}/${REPO}@${image.root.digest}`]);
    assert.equal(byDigest.exitCode, 0, byDigest.stderr);
    const never = await verifyJson(["--offline", `${registry.host}/${REPO}:2.0`]);
    assert.equal(never.exitCode, 3, "a tag never cached is not found, without asking the registry");
    assert.equal(never.json.reports[0]?.manifests[0]?.failure?.code, "MANIFEST_UNKNOWN");
  });

  test("a cached layer changed on disk fails verify --offline, which quarantines it; then it is missing", async () => {
    const layer = builtLayer(image, 0, 1).descriptor;
    const hex = layer.digest.slice("sha256:".length);
    const path = join(cacheDir, "blobs", "sha256", hex);
    const bytes = builtLayer(image, 0, 1).bytes;
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
    await writeFile(path, bytes);

    const failed = await verifyJson(["--offline", ref]);
    assert.equal(failed.exitCode, 6, failed.stderr);
    const report = failed.json.reports[0] as VerifyReport;
    assert.deepEqual(failedChecks(report), ["linux/amd64#layer#1"]);
    assert.equal(layerCheck(report, "linux/amd64", 1).failure?.code, "DIGEST_MISMATCH");

    const quarantined = await readdir(join(cacheDir, "quarantine"));
    assert.ok(
      quarantined.some((name) => name.startsWith(`sha256-${hex}.`)),
      "the bad copy was moved to quarantine",
    );
    assert.ok(layerCheck(report, "linux/amd64", 1).failure?.message.includes("quarantine"));

    const missing = await verifyJson(["--offline", ref]);
    assert.equal(missing.exitCode, 3, missing.stderr);
    assert.equal(layerCheck(missing.json.reports[0] as VerifyReport, "linux/amd64", 1).failure?.code, "BLOB_UNKNOWN");
    assert.equal((await runCli(["cache", "verify", "--cache-dir", cacheDir])).exitCode, 0, "what is left is good");
  });

  test("cache prune --unreferenced keeps the cached image; --dry-run reports without removing", async () => {
    const dry = await runCli(["cache", "prune", "--unreferenced", "--dry-run", "--json", "--cache-dir", cacheDir]);
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.deepEqual((JSON.parse(dry.stdout.toString()) as { removed: unknown[] }).removed, []);
    const all = await runCli(["cache", "prune", "--max-size", "0", "--dry-run", "--json", "--cache-dir", cacheDir]);
    const wouldGo = (JSON.parse(all.stdout.toString()) as { removed: unknown[] }).removed.length;
    assert.equal(wouldGo, image.manifests.length + image.blobs.length - 1, "every entry but the quarantined one");
    const ls = await runCli(["cache", "ls", "--json", "--cache-dir", cacheDir]);
    assert.equal(
      (JSON.parse(ls.stdout.toString()) as { entries: unknown[] }).entries.length,
      wouldGo,
      "the dry run removed nothing",
    );
  });
});
