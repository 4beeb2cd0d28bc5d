import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestguardError } from "../errors/error.js";
import { isContentMismatch } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { ContentStore } from "../store/content-store.js";
import { proveLocalBlob } from "../store/local-blob-proof.js";
import { uncompressedDigest } from "../store/uncompressed-digest.js";

/** How to check one blob. */
export interface BlobVerifyOptions {
  /** Also compute the uncompressed digest (for layers under --deep). */
  deep?: boolean;
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
 * (size first, then digest); throws the typed mismatch otherwise. Bytes come
 * through the store's one verified read, in constant memory, a dropped
 * connection resumed with a Range read; a store that keeps the blob in a
 * plain file has it hashed in the worker pool instead, on another core. With
 * `deep`, the layer is decompressed as it streams to compute its diff_id.
 * Caching is the store's business (a `CachingStore` writes through).
 *
 * @example
 * ```ts
 * const { uncompressedDigest } = await verifyBlob(store, layer, { deep: true });
 * ```
 */
export async function verifyBlob(
  store: ContentStore,
  descriptor: Descriptor,
  options: BlobVerifyOptions = {},
): Promise<BlobVerifyResult> {
  try {
    return await checkBlob(store, descriptor, options);
  } catch (error) {
    // Stream pipelines fail with a plain AbortError when the signal fires;
    // callers tell cancelling from a bad blob by the ABORTED code.
    if (options.signal?.aborted && !(error instanceof DigestguardError)) {
      throw new DigestguardError("ABORTED", `Cannot verify blob ${descriptor.digest}: the operation was cancelled.`, {
        cause: error,
      });
    }
    throw error;
  }
}

async function checkBlob(
  store: ContentStore,
  descriptor: Descriptor,
  options: BlobVerifyOptions,
): Promise<BlobVerifyResult> {
  const localPath = store.localBlobPath?.(descriptor);
  if (localPath !== undefined) return proveLocalFile(store, localPath, descriptor, options);
  let resumes = 0;
  const stream = await store.fetchBlob(descriptor, {
    signal: options.signal,
    onBytes: options.onBytes,
    onResume: () => resumes++,
  });
  if (options.deep) return { uncompressedDigest: (await uncompressedDigest(stream, options.signal)).digest, resumes };
  await pipeline(stream, discard(), { signal: options.signal });
  return { resumes };
}

// A blob proven bad outside the stream is the store's to hear about (the cache quarantines it).
async function proveLocalFile(
  store: ContentStore,
  path: string,
  descriptor: Descriptor,
  options: BlobVerifyOptions,
): Promise<BlobVerifyResult> {
  try {
    const proof = await proveLocalBlob(path, descriptor, options);
    options.onBytes?.(proof.size);
    return {
      ...(proof.uncompressedDigest !== undefined ? { uncompressedDigest: proof.uncompressedDigest } : {}),
      resumes: 0,
    };
  } catch (error) {
    const bad = isContentMismatch(error);
    if (bad && store.blobProvenBad !== undefined) throw await store.blobProvenBad(descriptor, error);
    throw error;
  }
}

function discard(): Writable {
  return new Writable({ highWaterMark: 1 << 20, write: (_chunk, _encoding, callback) => callback() });
}
