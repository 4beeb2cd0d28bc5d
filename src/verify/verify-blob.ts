import { pipeline as streamPipeline, Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContentCache } from "../cache/content-cache.js";
import { CacheStore } from "../cache/cache-store.js";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestAlgorithm, type Digest } from "../oci/digest.js";
import { contentMismatchError } from "../oci/verifying-stream.js";
import { sharedHashPool } from "./hash-worker-pool.js";
import type { ContentStore } from "../store/content-store.js";
import { resumableBlobStream } from "../store/resumable-blob-stream.js";
import { uncompressedDigest } from "./uncompressed-digest.js";

/** How to check one blob. */
export interface BlobVerifyOptions {
  /** Also compute the uncompressed digest (for layers under --deep). */
  deep?: boolean;
  /** Commit the verified bytes to this cache (and, with deep, read them back from it). */
  cache?: ContentCache;
  signal?: AbortSignal;
  /** Bytes as they arrive, for progress displays. */
  onBytes?: (count: number) => void;
}

/** What checking one blob found: the uncompressed digest when asked for, and how many resumes it took. */
export interface BlobVerifyResult {
  uncompressedDigest?: string;
  resumes: number;
}

/**
 * Prove that a blob's bytes, as `store` serves them, match its descriptor
 * (size first, then digest); throws the typed mismatch otherwise. Bytes
 * stream in constant memory; a dropped connection is resumed with a Range
 * read. With `deep`, the layer is decompressed as it streams to compute its
 * diff_id; with `cache`, the proven bytes are committed to the cache (a blob
 * already cached is still read and proven from the source).
 *
 * @example
 * ```ts
 * const { uncompressedDigest } = await verifyBlob(store, layer, { deep: true });
 * ```
 */
export async function verifyBlob(store: ContentStore, descriptor: Descriptor, options: BlobVerifyOptions = {}): Promise<BlobVerifyResult> {
  try {
    return await checkBlob(store, descriptor, options);
  } catch (error) {
    // Stream pipelines fail with a plain AbortError when the signal fires;
    // callers tell cancelling from a bad blob by the ABORTED code.
    if (options.signal?.aborted && !(error instanceof DigestguardError)) {
      throw new DigestguardError("ABORTED", `Cannot verify blob ${descriptor.digest}: the operation was cancelled.`, { cause: error });
    }
    // Re-verifying from the cache itself (--offline): a bad entry goes to quarantine, never to be served again.
    if (store instanceof CacheStore && error instanceof DigestguardError && (error.code === "DIGEST_MISMATCH" || error.code === "SIZE_MISMATCH")) {
      const movedTo = await store.cache.quarantine(descriptor.digest);
      throw new DigestguardError(error.code, `${error.message} The cached copy was moved to quarantine${movedTo ? ` (${movedTo})` : ""}.`, {
        details: { ...error.details, quarantined: movedTo, cache: true },
      });
    }
    throw error;
  }
}

async function checkBlob(store: ContentStore, descriptor: Descriptor, options: BlobVerifyOptions): Promise<BlobVerifyResult> {
  const localPath = options.cache === undefined ? store.localBlobPath?.(descriptor) : undefined;
  if (localPath !== undefined) return verifyLocalFile(localPath, descriptor, options);
  let resumes = 0;
  // A blob the cache already holds is still read from the source: verify checks what the source serves now.
  if (options.cache !== undefined && !(await options.cache.has(descriptor))) {
    const ingest = await options.cache.ingest(countingStore(store, options.onBytes), descriptor, { signal: options.signal });
    resumes = ingest.resumes;
    // Another process may have committed it meanwhile; then this run has not read the source yet.
    if (!ingest.cached) {
      if (!options.deep) return { resumes };
      const cached = await options.cache.read(descriptor, { signal: options.signal });
      return { uncompressedDigest: (await uncompressedDigest(cached, options.signal)).digest, resumes };
    }
  }
  const stream = resumableBlobStream(store, descriptor, { signal: options.signal, onResume: () => resumes++ });
  const counted = options.onBytes === undefined ? stream : tap(stream, options.onBytes);
  if (options.deep) return { uncompressedDigest: (await uncompressedDigest(counted, options.signal)).digest, resumes };
  await pipeline(counted, discard(), { signal: options.signal });
  return { resumes };
}

function discard(): Writable {
  return new Writable({ highWaterMark: 1 << 20, write: (_chunk, _encoding, callback) => callback() });
}

function tap(stream: Readable, onBytes: (count: number) => void): Readable {
  const counter = new Transform({
    readableHighWaterMark: 1 << 20,
    writableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  // Errors of the source (mismatches) must reach whoever reads the counter.
  streamPipeline(stream, counter, () => undefined);
  return counter;
}

// The cache ingests through the store; wrapping openBlobAt lets progress see those bytes too.
function countingStore(store: ContentStore, onBytes: ((count: number) => void) | undefined): ContentStore {
  if (onBytes === undefined) return store;
  return Object.assign(Object.create(store) as ContentStore, {
    openBlobAt: async (descriptor: Descriptor, offset: number, options?: { signal?: AbortSignal }) => {
      const opened = await store.openBlobAt(descriptor, offset, options);
      return { ...opened, stream: tap(opened.stream, onBytes) };
    },
  });
}

// Local files (layouts, the cache) are hashed in worker threads: several at once, one per core.
async function verifyLocalFile(path: string, descriptor: Descriptor, options: BlobVerifyOptions): Promise<BlobVerifyResult> {
  options.signal?.throwIfAborted();
  const answer = await sharedHashPool().hash({ path, algorithm: digestAlgorithm(descriptor.digest), deep: options.deep === true });
  options.signal?.throwIfAborted(); // a worker cannot be stopped mid-file; a cancel still wins over its answer
  const what = `blob ${descriptor.digest}`;
  if (answer.error?.code === "ENOENT") throw new DigestguardError("BLOB_UNKNOWN", `Cannot read ${what}: it is not in ${path}.`);
  if (answer.error !== undefined && answer.error.code !== "DIFF_ID_MISMATCH") throw new DigestguardError("IO", `Cannot read ${what} from ${path}: ${answer.error.message}.`);
  const size = answer.size ?? 0;
  if (size !== descriptor.size) throw contentMismatchError("SIZE_MISMATCH", what, descriptor, size, undefined);
  if (answer.digest !== descriptor.digest) throw contentMismatchError("DIGEST_MISMATCH", what, descriptor, size, answer.digest as Digest);
  if (answer.error !== undefined) throw new DigestguardError("DIFF_ID_MISMATCH", answer.error.message, { details: answer.error.details ?? {} });
  options.onBytes?.(size);
  return { ...(answer.uncompressedDigest !== undefined ? { uncompressedDigest: answer.uncompressedDigest } : {}), resumes: 0 };
}
