import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { createDigestHasher, digestOf } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { connectionLost, scriptedStore } from "../../test/support/scripted-store.js";
import { streamToBuffer } from "../../test/support/stream-to-buffer.js";
import { isWholeVerifiedReadOf, openVerifiedBlob, readVerifiedBlob } from "./verified-read.js";

const blob = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 251));
const layer: Descriptor = { mediaType: MediaType.ociLayerGzip, digest: digestOf(blob), size: blob.length };

describe("readVerifiedBlob", () => {
  test("a dropped connection is resumed from the byte reached, and the whole blob is proven", async () => {
    const store = scriptedStore((offset, call) =>
      call === 1 ? { bytes: blob.subarray(0, 1200), error: connectionLost() } : { bytes: blob.subarray(offset) },
    );
    const resumedAt: number[] = [];
    const got = await streamToBuffer(readVerifiedBlob(store, layer, { onResume: (offset) => resumedAt.push(offset) }));
    assert.deepEqual(got, blob);
    assert.deepEqual(store.offsets, [0, 1200]);
    assert.deepEqual(resumedAt, [1200]);
  });

  test("a store that ignores the range and starts over has the bytes already sent skipped", async () => {
    const store = scriptedStore((_offset, call) =>
      call === 1 ? { bytes: blob.subarray(0, 700), error: connectionLost() } : { offset: 0, bytes: blob },
    );
    assert.deepEqual(await streamToBuffer(readVerifiedBlob(store, layer)), blob);
    assert.deepEqual(store.offsets, [0, 700]);
  });

  test("a body that ends early is asked for again from where it stopped", async () => {
    const store = scriptedStore((offset, call) => ({
      bytes: call === 1 ? blob.subarray(0, 3000) : blob.subarray(offset),
    }));
    assert.deepEqual(await streamToBuffer(readVerifiedBlob(store, layer)), blob);
    assert.deepEqual(store.offsets, [0, 3000]);
  });

  test("a resume point continues an earlier hash: only the remainder is read", async () => {
    const hasher = createDigestHasher("sha256");
    hasher.update(blob.subarray(0, 4000));
    const store = scriptedStore((offset) => ({ bytes: blob.subarray(offset) }));
    const got = await streamToBuffer(readVerifiedBlob(store, layer, { from: { offset: 4000, hasher } }));
    assert.deepEqual(got, blob.subarray(4000));
    assert.deepEqual(store.offsets, [4000]);
  });

  test("changed bytes end in DIGEST_MISMATCH after every byte was seen, not in a normal end", async () => {
    const bad = Buffer.from(blob);
    bad[2500] = (bad[2500] as number) ^ 1;
    const store = scriptedStore(() => ({ bytes: bad }));
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer)), (error: DigestguardError) => {
      assert.equal(error.code, "DIGEST_MISMATCH");
      assert.equal(error.details["actualDigest"], digestOf(bad));
      assert.equal(error.details["received"], blob.length);
      return true;
    });
    assert.deepEqual(store.offsets, [0], "a digest mismatch is not retried");
  });

  test("a body longer than declared fails at once, without a retry", async () => {
    const store = scriptedStore(() => ({ bytes: Buffer.concat([blob, Buffer.from("extra")]) }));
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer)), (error: DigestguardError) => {
      assert.equal(error.code, "SIZE_MISMATCH");
      assert.equal(error.temporary, false);
      assert.ok((error.details["received"] as number) > blob.length);
      return true;
    });
    assert.deepEqual(store.offsets, [0]);
  });

  test("a short read followed by a refused range reports the short read", async () => {
    const refused = new DigestguardError("REGISTRY_ERROR", "Cannot fetch: 416 range not satisfiable.");
    const store = scriptedStore((_offset, call) => {
      if (call === 1) return { bytes: blob.subarray(0, 100) };
      throw refused;
    });
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer)), {
      code: "SIZE_MISMATCH",
      message: /received 100 of 5000 bytes/,
    });
  });

  test("after the last attempt, a network failure says how far the blob got", async () => {
    const store = scriptedStore((offset) => ({ bytes: blob.subarray(offset, offset + 500), error: connectionLost() }));
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer, { attempts: 3 })), (error: DigestguardError) => {
      assert.equal(error.code, "NETWORK");
      assert.equal(error.temporary, true);
      assert.deepEqual(
        [error.details["received"], error.details["expectedSize"], error.details["expectedDigest"]],
        [1500, 5000, layer.digest],
      );
      assert.match(error.message, /connection reset\. Gave up after 3 reads, with 1500 of 5000 bytes/);
      return true;
    });
    assert.deepEqual(store.offsets, [0, 500, 1000]);
  });

  test("a temporary failure to open is passed on as it is, not retried again: the store's requests retry already", async () => {
    const busy = new DigestguardError("REGISTRY_UNAVAILABLE", "Cannot fetch: 503.", { temporary: true });
    const store = scriptedStore(() => {
      throw busy;
    });
    await assert.rejects(
      streamToBuffer(readVerifiedBlob(store, layer, { attempts: 2 })),
      (error: unknown) => error === busy,
    );
    assert.deepEqual(store.offsets, [0]);
  });

  test("a body cut at the same length on every read is a truncated blob (SIZE_MISMATCH), not a network fault", async () => {
    // The registry ignores the range and sends its short copy again, cut where it was before.
    const store = scriptedStore(() => ({ offset: 0, bytes: blob.subarray(0, 100), error: connectionLost() }));
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer)), (error: DigestguardError) => {
      assert.equal(error.code, "SIZE_MISMATCH");
      assert.equal(error.exitCode, 6);
      assert.equal(error.temporary, false);
      assert.match(error.message, /received 100 of 5000 bytes/);
      return true;
    });
    assert.deepEqual(store.offsets, [0, 100]);
  });

  test("a permanent failure is not retried", async () => {
    const store = scriptedStore(() => {
      throw new DigestguardError("BLOB_UNKNOWN", "Cannot fetch: not found.");
    });
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer)), { code: "BLOB_UNKNOWN" });
    assert.deepEqual(store.offsets, [0]);
  });

  test("cancelling stops the retries with the failure in hand", async () => {
    const controller = new AbortController();
    const store = scriptedStore((offset) => {
      controller.abort();
      return { bytes: blob.subarray(offset, offset + 10), error: connectionLost() };
    });
    await assert.rejects(streamToBuffer(readVerifiedBlob(store, layer, { signal: controller.signal })));
    assert.deepEqual(store.offsets, [0]);
  });
});

describe("isWholeVerifiedReadOf", () => {
  const store = () => scriptedStore((offset) => ({ bytes: blob.subarray(offset) }));

  test("a fresh verified read is recognised for its own descriptor only", async () => {
    const stream = await openVerifiedBlob(store(), layer);
    assert.equal(isWholeVerifiedReadOf(stream, layer), true);
    assert.equal(isWholeVerifiedReadOf(stream, { ...layer, size: layer.size + 1 }), false);
    assert.equal(isWholeVerifiedReadOf(stream, { ...layer, digest: digestOf(Buffer.from("other")) }), false);
    stream.destroy();
  });

  test("a plain stream, a resumed read and a read already started are not", async () => {
    assert.equal(isWholeVerifiedReadOf(Readable.from([blob]), layer), false);
    const hasher = createDigestHasher("sha256");
    hasher.update(blob.subarray(0, 4000));
    assert.equal(
      isWholeVerifiedReadOf(readVerifiedBlob(store(), layer, { from: { offset: 4000, hasher } }), layer),
      false,
    );
    const started = readVerifiedBlob(store(), layer);
    await new Promise((resolve) => started.once("readable", resolve));
    started.read(10);
    assert.equal(isWholeVerifiedReadOf(started, layer), false);
    started.destroy();
  });
});
