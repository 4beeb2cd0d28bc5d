import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestguardError } from "../../errors/error.js";
import { digestOf } from "../../oci/digest.js";
import { MAX_MANIFEST_BYTES } from "../../oci/manifest.js";
import { layoutFixture, type LayoutFixture } from "../../../test/support/cache-fixture.js";
import { streamToBuffer } from "../../../test/support/stream-to-buffer.js";
import { tempCaches } from "../../../test/support/temp-cache.js";
import type { ContentCache, VerifyOnRead } from "./content-cache.js";

const LONG_AGO = new Date("2001-01-01T00:00:00Z");

describe("ContentCache reads", () => {
  let fixture: LayoutFixture;
  const caches = tempCaches("cache-read");
  before(async () => {
    fixture = await layoutFixture("read", 32 * 1024);
  });
  after(async () => {
    await fixture?.cleanup();
    await caches.cleanup();
  });

  // A cache holding the fixture's layer, then one byte of it changed on disk; mtime (= last verified) as given.
  async function corrupted(
    verifyOnRead: VerifyOnRead,
    verifiedAt: Date,
  ): Promise<{ cache: ContentCache; path: string; bad: Buffer }> {
    const cache = await caches.open({ verifyOnRead });
    await cache.ingest(fixture.store, fixture.layer.descriptor);
    const path = cache.blobPath(fixture.layer.descriptor.digest);
    const bad = Buffer.from(fixture.layer.bytes);
    bad[100] = (bad[100] as number) ^ 0xff;
    await writeFile(path, bad);
    await utimes(path, new Date(), verifiedAt);
    return { cache, path, bad };
  }

  test("a good entry reads back whole", async () => {
    const cache = await caches.open();
    await cache.ingest(fixture.store, fixture.layer.descriptor);
    assert.deepEqual(await streamToBuffer(await cache.read(fixture.layer.descriptor)), fixture.layer.bytes);
  });

  test("a corrupted entry is re-verified on read, moved to quarantine, and the error names where it went", async () => {
    const { cache, path, bad } = await corrupted("always", new Date());
    const stream = await cache.read(fixture.layer.descriptor);
    await assert.rejects(streamToBuffer(stream), (error: DigestguardError) => {
      assert.equal(error.code, "DIGEST_MISMATCH");
      assert.equal(error.details["actualDigest"], digestOf(bad));
      const moved = error.details["quarantined"];
      assert.equal(typeof moved, "string");
      assert.ok((moved as string).startsWith(join(cache.root, "quarantine")));
      assert.ok(error.message.includes(moved as string), "the message names the quarantine path");
      return true;
    });
    assert.equal(await cache.has(fixture.layer.descriptor), false, "never served again");
    await assert.rejects(stat(path), { code: "ENOENT" });
    await assert.rejects(cache.read(fixture.layer.descriptor), { code: "BLOB_UNKNOWN" });
  });

  test("the quarantined file keeps the bad bytes as evidence", async () => {
    const { cache, bad } = await corrupted("always", new Date());
    const moved = await streamToBuffer(await cache.read(fixture.layer.descriptor)).then(
      () => assert.fail("a corrupted entry must not read normally"),
      (error: DigestguardError) => error.details["quarantined"] as string,
    );
    assert.deepEqual(await readFile(moved), bad);
  });

  test("a truncated entry is a SIZE_MISMATCH and is quarantined too", async () => {
    const cache = await caches.open();
    await cache.ingest(fixture.store, fixture.layer.descriptor);
    await writeFile(cache.blobPath(fixture.layer.descriptor.digest), fixture.layer.bytes.subarray(0, 1000));
    await assert.rejects(streamToBuffer(await cache.read(fixture.layer.descriptor)), { code: "SIZE_MISMATCH" });
    assert.equal(await cache.has(fixture.layer.descriptor), false);
  });

  test("verifyOnRead never: bytes are served as stored, nothing is quarantined", async () => {
    const { cache, path, bad } = await corrupted("never", LONG_AGO);
    assert.deepEqual(await streamToBuffer(await cache.read(fixture.layer.descriptor)), bad);
    assert.deepEqual(await readFile(path), bad);
  });

  test("verifyOnRead maxAgeMs: a recent check is trusted, an old one is redone", async () => {
    const day = 86_400_000;
    const recent = await corrupted({ maxAgeMs: day }, new Date());
    assert.deepEqual(
      await streamToBuffer(await recent.cache.read(fixture.layer.descriptor)),
      recent.bad,
      "verified within the day: not re-hashed",
    );
    const stale = await corrupted({ maxAgeMs: day }, LONG_AGO);
    await assert.rejects(streamToBuffer(await stale.cache.read(fixture.layer.descriptor)), { code: "DIGEST_MISMATCH" });
    assert.equal(await stale.cache.has(fixture.layer.descriptor), false);
  });

  test("a verified read records the check: the entry's mtime moves forward", async () => {
    const cache = await caches.open({ verifyOnRead: { maxAgeMs: 86_400_000 } });
    await cache.ingest(fixture.store, fixture.layer.descriptor);
    const path = cache.blobPath(fixture.layer.descriptor.digest);
    await utimes(path, LONG_AGO, LONG_AGO);
    assert.deepEqual(await streamToBuffer(await cache.read(fixture.layer.descriptor)), fixture.layer.bytes);
    const info = await stat(path);
    assert.ok(info.mtimeMs > LONG_AGO.getTime(), "verifiedAt updated");
    assert.ok(info.atimeMs > LONG_AGO.getTime(), "lastUsed updated");
  });

  test("readBytes verifies small content and quarantines a bad copy", async () => {
    const cache = await caches.open();
    const manifest = fixture.image.manifests[0];
    assert.ok(manifest !== undefined);
    await cache.putBytes(manifest.descriptor, manifest.bytes);
    assert.deepEqual(await cache.readBytes(manifest.descriptor, MAX_MANIFEST_BYTES), manifest.bytes);
    const changed = Buffer.from(manifest.bytes);
    changed[5] = (changed[5] as number) ^ 1;
    await writeFile(cache.blobPath(manifest.descriptor.digest), changed);
    await assert.rejects(cache.readBytes(manifest.descriptor, MAX_MANIFEST_BYTES), (error: DigestguardError) => {
      assert.equal(error.code, "DIGEST_MISMATCH");
      assert.match(error.message, /moved to quarantine \(/);
      return true;
    });
    await assert.rejects(cache.readBytes(manifest.descriptor, MAX_MANIFEST_BYTES), { code: "BLOB_UNKNOWN" });
  });
});
