import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { digestHex } from "../../oci/digest.js";
import { countingStore } from "../../../test/support/counting-store.js";
import { layoutFixture, type LayoutFixture } from "../../../test/support/cache-fixture.js";
import { tempCaches } from "../../../test/support/temp-cache.js";
import { partialPaths } from "../../../test/support/verify-run.js";
import { ContentCache } from "./content-cache.js";
import { ownPartialName } from "./partial-files.js";

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("ContentCache.ingest from an OCI layout", () => {
  let fixture: LayoutFixture;
  const caches = tempCaches("cache-ingest");
  before(async () => {
    fixture = await layoutFixture("ingest", 64 * 1024);
  });
  after(async () => {
    await fixture?.cleanup();
    await caches.cleanup();
  });

  const partialPath = (cache: ContentCache): string =>
    join(cache.root, "ingest", `sha256-${digestHex(fixture.layer.descriptor.digest)}.partial`);
  const writePartial = async (cache: ContentCache, bytes: Uint8Array, path = partialPath(cache)): Promise<void> => {
    await mkdir(join(cache.root, "ingest"), { recursive: true });
    await writeFile(path, bytes);
  };
  const partials = (cache: ContentCache): Promise<string[]> => partialPaths(cache, fixture.layer.descriptor.digest);
  // The name a partial written by process `pid` on this host gets.
  const ownedBy = (cache: ContentCache, pid: number): string =>
    join(
      cache.root,
      "ingest",
      ownPartialName(`sha256-${digestHex(fixture.layer.descriptor.digest)}`).replace(`-${process.pid}-`, `-${pid}-`),
    );

  test("commits the proven bytes under blobs/sha256/<hex>, and only once", async () => {
    const cache = await caches.open();
    const source = countingStore(fixture.store);
    const { layer } = fixture;
    assert.deepEqual(await cache.ingest(source, layer.descriptor), { cached: false, resumedFrom: 0, resumes: 0 });
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
    assert.deepEqual(await partials(cache), [], "the partial was committed, none is left");
    assert.deepEqual(await cache.ingest(source, layer.descriptor), { cached: true, resumedFrom: 0, resumes: 0 });
    assert.equal(source.served.bytes, layer.bytes.length, "the second ingest read nothing");
  });

  test("a partial holding the first half is re-hashed and only the remainder is read", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const half = layer.bytes.length >> 1;
    await writePartial(cache, layer.bytes.subarray(0, half));
    const source = countingStore(fixture.store);
    const result = await cache.ingest(source, layer.descriptor);
    assert.equal(result.resumedFrom, half);
    assert.deepEqual(source.offsets, [half]);
    assert.equal(source.served.bytes, layer.bytes.length - half);
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
  });

  test("a stale partial with wrong prefix bytes is discarded and the blob fetched afresh, not blamed on the source", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const wrong = Buffer.from(layer.bytes.subarray(0, 1000));
    wrong[10] = (wrong[10] as number) ^ 0xff;
    await writePartial(cache, wrong);
    const source = countingStore(fixture.store);
    const result = await cache.ingest(source, layer.descriptor);
    assert.equal(result.resumedFrom, 0, "the committed bytes were all fetched in this run");
    assert.deepEqual(source.offsets, [1000, 0], "resumed after the bad prefix, then fetched once more from the start");
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
    assert.deepEqual(await partials(cache), []);
  });

  test("a partial whose writer died is re-hashed and resumed", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    await writePartial(cache, layer.bytes.subarray(0, 4096), ownedBy(cache, dead));
    const source = countingStore(fixture.store);
    assert.equal((await cache.ingest(source, layer.descriptor)).resumedFrom, 4096);
    assert.deepEqual(source.offsets, [4096]);
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
  });

  test("a live writer's partial is neither taken nor touched", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const live = ownedBy(cache, process.pid);
    await writePartial(cache, Buffer.from("someone else is still writing this"), live);
    const source = countingStore(fixture.store);
    assert.equal((await cache.ingest(source, layer.descriptor)).resumedFrom, 0);
    assert.deepEqual(source.offsets, [0]);
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
    assert.equal(await readFile(live, "utf8"), "someone else is still writing this");
  });

  test("many ingests of one blob into one cache at once commit it whole, once", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const others = await Promise.all(Array.from({ length: 6 }, () => ContentCache.open(cache.root)));
    await Promise.all(others.map((c) => c.ingest(fixture.store, layer.descriptor)));
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
    assert.deepEqual(await partials(cache), []);
  });

  test("a partial longer than the blob is dropped and the blob read whole", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    await writePartial(cache, Buffer.concat([layer.bytes, Buffer.from("more")]));
    const source = countingStore(fixture.store);
    assert.equal((await cache.ingest(source, layer.descriptor)).resumedFrom, 0);
    assert.equal(source.served.bytes, layer.bytes.length);
    assert.deepEqual(await readFile(cache.blobPath(layer.descriptor.digest)), layer.bytes);
  });

  test("a source serving changed bytes: DIGEST_MISMATCH, no blob and no partial", async () => {
    const cache = await caches.open();
    const { layer } = fixture;
    const stored = fixture.store.blobPath(layer.descriptor.digest);
    const changed = Buffer.from(layer.bytes);
    changed[changed.length >> 1] = (changed[changed.length >> 1] as number) ^ 1;
    await writeFile(stored, changed);
    try {
      await assert.rejects(cache.ingest(fixture.store, layer.descriptor), { code: "DIGEST_MISMATCH" });
    } finally {
      await writeFile(stored, layer.bytes);
    }
    assert.equal(await exists(cache.blobPath(layer.descriptor.digest)), false);
    assert.deepEqual(await partials(cache), []);
  });

  test("putBytes refuses bytes that do not match and stores nothing", async () => {
    const cache = await caches.open();
    const [config] = fixture.image.blobs;
    assert.ok(config !== undefined);
    const wrong = Buffer.from(config.bytes);
    wrong[0] = (wrong[0] as number) ^ 1;
    await assert.rejects(cache.putBytes(config.descriptor, wrong), { code: "DIGEST_MISMATCH" });
    assert.equal(await cache.has(config.descriptor), false);
    await cache.putBytes(config.descriptor, config.bytes);
    assert.deepEqual(new Uint8Array(await readFile(cache.blobPath(config.descriptor.digest))), config.bytes);
  });
});
