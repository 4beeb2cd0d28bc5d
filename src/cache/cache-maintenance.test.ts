import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { mkdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf, parseDigest } from "../oci/digest.js";
import { verifyImage } from "../image/verify-image.js";
import { layoutFixture, type LayoutFixture } from "../../test/support/cache-fixture.js";
import { tempCaches } from "../../test/support/temp-cache.js";
import { listCache, pruneCache, verifyCache } from "./cache-maintenance.js";
import type { ContentCache } from "../store/cache/content-cache.js";
import { ownPartialName } from "../store/cache/partial-files.js";
import { reachableDigests } from "./reachable-digests.js";
import { CachingStore } from "../store/cache/caching-store.js";
import { recordRef } from "../store/cache/cache-refs.js";

const manifestDescriptorOf = (report: { digest?: string; manifests: { mediaType?: string; size?: number }[] }) => ({
  mediaType: report.manifests[0]?.mediaType ?? "",
  digest: parseDigest(report.digest ?? ""),
  size: report.manifests[0]?.size ?? 0,
});

const DAY = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);

function blobOf(text: string): { bytes: Uint8Array; descriptor: Descriptor } {
  const bytes = new TextEncoder().encode(text);
  return { bytes, descriptor: { mediaType: "application/octet-stream", digest: digestOf(bytes), size: bytes.length } };
}

describe("cache maintenance: ls, verify, prune", () => {
  let fixture: LayoutFixture;
  const caches = tempCaches("cache-maintenance");
  before(async () => {
    fixture = await layoutFixture("maintenance", 16 * 1024);
  });
  after(async () => {
    await fixture?.cleanup();
    await caches.cleanup();
  });

  // Three loose blobs of 100, 200 and 300 bytes, last used 30, 10 and 1 days ago.
  async function threeBlobs(): Promise<{ cache: ContentCache; blobs: ReturnType<typeof blobOf>[] }> {
    const cache = await caches.open();
    const blobs = [100, 200, 300].map((size) => blobOf("x".repeat(size - 4) + String(size).padStart(4, "0")));
    const ages = [30, 10, 1];
    for (const [i, blob] of blobs.entries()) {
      await cache.putBytes(blob.descriptor, blob.bytes);
      await utimes(cache.blobPath(blob.descriptor.digest), daysAgo(ages[i] as number), daysAgo(ages[i] as number));
    }
    return { cache, blobs };
  }
  const digests = (entries: { digest: string }[]): string[] => entries.map((e) => e.digest).sort();

  test("ls lists committed blobs largest first with sizes and times, and skips other files", async () => {
    const { cache, blobs } = await threeBlobs();
    await writeFile(join(cache.root, "blobs", "sha256", ".tmp-half-written"), "x");
    await writeFile(join(cache.root, "blobs", "sha256", "not-a-digest"), "x");
    const entries = await listCache(cache);
    assert.deepEqual(
      entries.map((e) => [e.digest, e.size]),
      [...blobs].reverse().map((b) => [b.descriptor.digest, b.bytes.length]),
    );
    assert.ok(entries.every((e) => e.lastUsed instanceof Date && e.verifiedAt instanceof Date));
    assert.ok((entries[2]?.lastUsed.getTime() ?? 0) < (entries[0]?.lastUsed.getTime() ?? 0));
  });

  test("verify re-hashes every entry and quarantines the bad one only", async () => {
    const { cache, blobs } = await threeBlobs();
    const [, bad] = blobs;
    assert.ok(bad !== undefined);
    await writeFile(cache.blobPath(bad.descriptor.digest), Buffer.from(bad.bytes).fill(0x79, 0, 1));
    const result = await verifyCache(cache);
    assert.equal(result.checked, 3);
    assert.equal(result.bytes, 600);
    assert.equal(result.quarantined.length, 1);
    const [q] = result.quarantined;
    assert.equal(q?.digest, bad.descriptor.digest);
    assert.equal(q?.actual, digestOf(Buffer.from(bad.bytes).fill(0x79, 0, 1)));
    assert.ok(q?.movedTo?.startsWith(join(cache.root, "quarantine")));
    assert.equal((await readFile(q?.movedTo as string)).length, 200, "kept as evidence");
    assert.deepEqual(digests(await listCache(cache)), digests(blobs.filter((b) => b !== bad).map((b) => b.descriptor)));
  });

  test("prune --older-than removes what was not used for that long; a dry run removes nothing", async () => {
    const { cache, blobs } = await threeBlobs();
    const dry = await pruneCache(cache, { olderThanMs: 7 * DAY, dryRun: true });
    assert.deepEqual(digests(dry.removed), digests(blobs.slice(0, 2).map((b) => b.descriptor)));
    assert.equal(dry.bytes, 300);
    assert.equal((await listCache(cache)).length, 3, "dry run: nothing removed");
    const done = await pruneCache(cache, { olderThanMs: 7 * DAY });
    assert.deepEqual(digests(done.removed), digests(dry.removed));
    assert.deepEqual(digests(await listCache(cache)), [blobs[2]?.descriptor.digest]);
  });

  test("prune --max-size removes least recently used first until the cache fits", async () => {
    const { cache, blobs } = await threeBlobs();
    const result = await pruneCache(cache, { maxBytes: 500 });
    assert.deepEqual(
      digests(result.removed),
      [blobs[0]?.descriptor.digest],
      "the 30-day-old one goes, 500 bytes remain",
    );
    assert.deepEqual(
      (await pruneCache(cache, { maxBytes: 300 })).removed.map((e) => e.digest),
      [blobs[1]?.descriptor.digest],
    );
    assert.deepEqual((await pruneCache(cache, { maxBytes: 0, dryRun: true })).removed.length, 1);
  });

  test("prune --unreferenced keeps everything a cached reference reaches; quarantine and abandoned partials always go", async () => {
    const cache = await caches.open();
    const report = await verifyImage(new CachingStore(fixture.store, cache), { tag: "1.0" }, { display: "app:1.0" });
    await recordRef(cache.root, "127.0.0.1:5000/app:1.0", manifestDescriptorOf(report));
    assert.equal(report.ok, true);
    const loose = blobOf("nobody points at me");
    await cache.putBytes(loose.descriptor, loose.bytes);
    await mkdir(join(cache.root, "quarantine"), { recursive: true });
    await writeFile(join(cache.root, "quarantine", "sha256-bad.1"), "bad");
    await mkdir(join(cache.root, "ingest"), { recursive: true });
    const abandoned = join(cache.root, "ingest", `sha256-${"a".repeat(64)}.partial`);
    const live = join(cache.root, "ingest", ownPartialName(`sha256-${"b".repeat(64)}`));
    await writeFile(abandoned, "half");
    await writeFile(live, "still being written");
    const keep = await reachableDigests(cache);
    const expected = [fixture.image.root.digest, ...fixture.image.blobs.map((b) => b.descriptor.digest)].sort();
    assert.deepEqual([...keep].sort(), expected);
    const dry = await pruneCache(cache, { keep, dryRun: true });
    assert.deepEqual(digests(dry.removed), [loose.descriptor.digest]);
    assert.ok(await stat(abandoned).then(() => true), "a dry run leaves partials");
    const done = await pruneCache(cache, { keep });
    assert.deepEqual(digests(done.removed), [loose.descriptor.digest]);
    assert.deepEqual(digests(await listCache(cache)), expected);
    await assert.rejects(stat(join(cache.root, "quarantine")), { code: "ENOENT" });
    await assert.rejects(stat(abandoned), { code: "ENOENT" });
    assert.equal(await readFile(live, "utf8"), "still being written", "a live writer's partial is left alone");
  });

  test("prune removes a partial whose writer died, and leaves the partials of live writers", async () => {
    const cache = await caches.open();
    await mkdir(join(cache.root, "ingest"), { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const key = `sha256-${"c".repeat(64)}`;
    const orphan = join(cache.root, "ingest", ownPartialName(key).replace(`-${process.pid}-`, `-${dead}-`));
    const live = join(cache.root, "ingest", ownPartialName(key));
    await writeFile(orphan, "left by a killed run");
    await writeFile(live, "in flight");
    await pruneCache(cache, { olderThanMs: 7 * DAY });
    await assert.rejects(stat(orphan), { code: "ENOENT" });
    assert.equal(await readFile(live, "utf8"), "in flight");
  });
});
