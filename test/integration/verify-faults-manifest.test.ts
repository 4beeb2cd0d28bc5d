import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { parseDigest } from "../../src/oci/digest.js";
import { cliFlagsFor } from "../support/client-for.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildNoiseIndex, builtLayer, pushImage, sha256Of } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempCaches } from "../support/temp-cache.js";
import { cachedFiles, verifyAt } from "../support/verify-run.js";

// Faults on manifests: a Docker-Content-Digest header that lies, other bytes
// served for a digest, and a tag that moves between HEAD and GET.

const REPO = "manifests/app";
const LIE = `sha256:${"0".repeat(64)}`;

describe("verify through a faulty proxy: manifests", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let first: BuiltImage;
  let second: BuiltImage;
  const caches = tempCaches("verify-manifests");

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    proxy = await startFaultProxy(registry);
    [first, second] = await Promise.all([buildNoiseIndex("first", 4096), buildNoiseIndex("second", 4096)]);
    await pushImage(registry, REPO, first, ["1.0"]);
    await pushImage(registry, REPO, second, ["2.0"]);
  });
  afterEach(() => proxy.clearFaults());
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    await caches.cleanup();
  });

  const rootBytes = (image: BuiltImage): Buffer => Buffer.from(image.manifests.at(-1)?.bytes ?? []);

  test("a lying Docker-Content-Digest on the tag: the manifest fails with DIGEST_MISMATCH naming both digests", async () => {
    proxy.setFaults([{ match: { kind: "manifest" }, fault: { type: "lying-digest-header", digest: LIE } }]);
    const report = await verifyAt(registry, proxy.host, REPO, { tag: "1.0" });
    assert.ok(proxy.requests.some((r) => r.fault?.type === "lying-digest-header"));
    assert.equal(report.ok, false);
    assert.equal(report.digest, undefined, "no digest is claimed when the registry contradicts itself");
    const [top] = report.manifests;
    assert.equal(top?.status, "failed");
    assert.equal(top?.failure?.code, "DIGEST_MISMATCH");
    assert.equal(top?.failure?.expectedDigest, LIE);
    assert.equal(top?.failure?.actualDigest, sha256Of(rootBytes(first)));
  });

  test("a lying header on a digest reference changes nothing: the bytes match the digest asked for", async () => {
    proxy.setFaults([{ match: { kind: "manifest" }, fault: { type: "lying-digest-header", digest: LIE } }]);
    const report = await verifyAt(registry, proxy.host, REPO, { digest: first.root.digest });
    assert.equal(report.ok, true);
    assert.equal(report.digest, first.root.digest);
  });

  for (const withCache of [false, true]) {
    test(`other bytes served for a digest reference: DIGEST_MISMATCH on the manifest, nothing verified${withCache ? " (with --cache)" : ""}`, async () => {
      const replacement = rootBytes(second);
      proxy.setFaults([
        {
          match: { kind: "manifest", method: "GET", digest: first.root.digest },
          fault: { type: "replace-body", body: replacement },
        },
      ]);
      const cache = withCache ? await caches.open() : undefined;
      const report = await verifyAt(
        registry,
        proxy.host,
        REPO,
        { digest: first.root.digest },
        { ...(cache ? { cache } : {}) },
      );
      assert.equal(report.ok, false);
      assert.equal(report.digest, undefined, "no digest is claimed for content that did not match");
      assert.equal(report.blobs.length, 0, "no blob of the wrong image is checked");
      const [top] = report.manifests;
      assert.equal(top?.status, "failed");
      assert.equal(top?.failure?.code, "DIGEST_MISMATCH");
      assert.equal(top?.failure?.expectedDigest, first.root.digest);
      assert.equal(top?.failure?.actualDigest, sha256Of(replacement));
      if (cache === undefined) return;
      for (const digest of [first.root.digest, second.root.digest])
        assert.deepEqual(await cachedFiles(cache, parseDigest(digest)), {});
    });
  }

  test("other bytes served for one platform's manifest: that platform fails, the other verifies", async () => {
    const [amd64, arm64] = first.manifests;
    assert.ok(amd64 !== undefined && arm64 !== undefined);
    proxy.setFaults([
      {
        match: { kind: "manifest", method: "GET", digest: arm64.descriptor.digest },
        fault: { type: "replace-body", body: amd64.bytes },
      },
    ]);
    const report = await verifyAt(registry, proxy.host, REPO, { tag: "1.0" });
    assert.equal(report.ok, false);
    const failed = report.manifests.filter((m) => m.status === "failed");
    assert.deepEqual(
      failed.map((m) => [m.platform, m.digest, m.failure?.code]),
      [["linux/arm64", arm64.descriptor.digest, "DIGEST_MISMATCH"]],
    );
    assert.deepEqual(
      report.blobs.filter((b) => b.status !== "ok"),
      [],
    );
    assert.deepEqual([...new Set(report.blobs.map((b) => b.platform))], ["linux/amd64"]);
  });

  test("a tag moved between HEAD and GET: verify reports what it got, digest (HEAD) and inspect (GET) disagree", async () => {
    // Only GETs of the tag see the other image, as if the tag moved right after a HEAD.
    proxy.setFaults([
      {
        match: { kind: "manifest", method: "GET", path: /\/manifests\/1\.0$/ },
        fault: { type: "replace-body", body: rootBytes(second) },
      },
    ]);
    const cache = await caches.open();
    const report = await verifyAt(registry, proxy.host, REPO, { tag: "1.0" }, { cache });
    assert.equal(report.ok, true, "the bytes verify: they are a whole, consistent image");
    assert.equal(report.digest, second.root.digest, "the report names the manifest actually verified");
    const secondLayer = builtLayer(second, 1, 1).descriptor.digest;
    assert.ok(report.blobs.some((b) => b.digest === secondLayer));
    assert.ok(!report.blobs.some((b) => b.digest === builtLayer(first, 1, 1).descriptor.digest));
    assert.ok((await cachedFiles(cache, parseDigest(second.root.digest))).blob !== undefined);
    assert.equal((await cachedFiles(cache, parseDigest(first.root.digest))).blob, undefined);

    // What a user sees from the CLI in that moment: two different digests for the same tag.
    const ref = `${proxy.host}/${REPO}:1.0`;
    const flags = cliFlagsFor({ ...registry, host: proxy.host });
    const headed = await runCli(["digest", ...flags, ref]);
    const got = await runCli(["inspect", "--json", ...flags, ref]);
    assert.equal(headed.exitCode, 0, headed.stderr);
    assert.equal(got.exitCode, 0, got.stderr);
    assert.match(
      headed.stdout.toString(),
      new RegExp(`^${first.root.digest} `),
      "digest resolves by HEAD: the old target",
    );
    assert.equal(
      (JSON.parse(got.stdout.toString()) as { digest: string }).digest,
      second.root.digest,
      "inspect reads by GET: the new target",
    );
    const verified = await runCli(["verify", "--json", ...flags, ref]);
    assert.equal(verified.exitCode, 0, verified.stderr);
    assert.equal(
      (JSON.parse(verified.stdout.toString()) as { reports: { digest: string }[] }).reports[0]?.digest,
      second.root.digest,
    );
  });
});
