import { Readable, Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { DigestguardError } from "../errors/error.js";
import { createDigestHasher, type Digest } from "../oci/digest.js";

/** How a layer's bytes are compressed, told by their first bytes (as containerd does), not by the media type. */
export type Compression = "gzip" | "zstd" | "none";

/**
 * Sniff the compression from a blob's first bytes.
 *
 * @example
 * ```ts
 * detectCompression(Buffer.from([0x1f, 0x8b, 8, 0])); // "gzip"
 * ```
 */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

/**
 * The digest of a layer's uncompressed content — what an image config lists
 * in `rootfs.diff_ids` — computed while the compressed bytes stream through
 * (gzip on libuv's thread pool, zstd in-process), in constant memory.
 * When the bytes do not decompress, the rest of `source` is still read so
 * that its own mismatch error (a verifying stream's) wins; only a source that
 * ends normally gives the `DIFF_ID_MISMATCH` "cannot decompress" error.
 *
 * @example
 * ```ts
 * const { digest, compression } = await uncompressedDigest(layerStream);
 * ```
 */
export async function uncompressedDigest(
  source: Readable,
  signal?: AbortSignal,
): Promise<{ digest: Digest; compression: Compression }> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const compression = first.done ? "none" : detectCompression(first.value);
  const rest = Readable.from(replay(first, iterator), { objectMode: false, highWaterMark: 1 << 20 });
  const hasher = createDigestHasher("sha256");
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback();
    },
  });
  try {
    if (compression === "gzip") await pipeline(rest, createGunzip({ chunkSize: 1 << 20 }), sink, { signal });
    else if (compression === "zstd") await pipeline(rest, zstdDecompressor(), sink, { signal });
    else await pipeline(rest, sink, { signal });
  } catch (error) {
    if (error instanceof DigestguardError || signal?.aborted) throw error;
    // Changed bytes usually break the decompressor before the blob's own size
    // and digest check at its end: read on, so a wrong blob is reported as one.
    await drain(iterator);
    throw undecompressable(compression, error);
  }
  return { digest: hasher.digest(), compression };
}

async function drain(iterator: AsyncIterator<Buffer>): Promise<void> {
  for (let next = await iterator.next(); !next.done; next = await iterator.next());
}

function undecompressable(compression: Compression, error: unknown): DigestguardError {
  return new DigestguardError(
    "DIFF_ID_MISMATCH",
    `Cannot decompress the layer (${compression}): ${(error as Error)?.message ?? String(error)}. Its bytes are the ones the manifest names, so the image was published with a broken layer; its uncompressed content cannot match a diff_id.`,
    { cause: error, details: { compression, undecompressable: true } },
  );
}

async function* replay(first: IteratorResult<Buffer>, iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first.done) return;
  yield first.value;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

// Node 20's zlib has no zstd; fzstd decompresses in streaming mode in pure JS.
function zstdDecompressor(): Transform {
  let decompress: Decompress;
  const transform = new Transform({
    readableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decompress.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        decompress.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  decompress = new Decompress((data) => transform.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  return transform;
}
