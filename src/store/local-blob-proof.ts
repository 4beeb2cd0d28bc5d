import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestAlgorithm, type Digest } from "../oci/digest.js";
import { contentMismatchError } from "../oci/verifying-stream.js";
import { sharedHashPool } from "./hash-worker-pool.js";

/** What proving a local blob file found. */
export interface LocalBlobProof {
  size: number;
  /** With `deep`: the digest of the decompressed layer (its diff_id). */
  uncompressedDigest?: string;
}

/**
 * Prove a blob kept in a plain file (an OCI layout, the cache) without
 * streaming it through this thread: the file is hashed in the shared worker
 * pool, several files at once, one per core, and the answer is held to the
 * same rule as the verified read — size first, then digest, the typed
 * mismatch otherwise. With `deep`, the layer's uncompressed digest comes too.
 *
 * @example
 * ```ts
 * const { uncompressedDigest } = await proveLocalBlob(store.blobPath(layer.digest), layer, { deep: true });
 * ```
 */
export async function proveLocalBlob(
  path: string,
  descriptor: Pick<Descriptor, "digest" | "size">,
  options: { deep?: boolean; signal?: AbortSignal } = {},
): Promise<LocalBlobProof> {
  options.signal?.throwIfAborted();
  const answer = await sharedHashPool().hash({
    path,
    algorithm: digestAlgorithm(descriptor.digest),
    deep: options.deep === true,
  });
  options.signal?.throwIfAborted(); // a worker cannot be stopped mid-file; a cancel still wins over its answer
  const what = `blob ${descriptor.digest}`;
  if (answer.error?.code === "ENOENT")
    throw new DigestguardError("BLOB_UNKNOWN", `Cannot read ${what}: it is not in ${path}.`);
  if (answer.error?.code === "ELOOP" || answer.error?.code === "ENOTREGULAR") {
    throw new DigestguardError(
      "LAYOUT_INVALID",
      `Cannot read ${what} from ${path}: it is not a regular file; remove it and copy the content in again.`,
      { details: { path } },
    );
  }
  if (answer.error !== undefined && answer.error.code !== "DIFF_ID_MISMATCH")
    throw new DigestguardError("IO", `Cannot read ${what} from ${path}: ${answer.error.message}.`);
  const size = answer.size ?? 0;
  if (size !== descriptor.size) throw contentMismatchError("SIZE_MISMATCH", what, descriptor, size, undefined);
  if (answer.digest !== descriptor.digest)
    throw contentMismatchError("DIGEST_MISMATCH", what, descriptor, size, answer.digest as Digest);
  if (answer.error !== undefined)
    throw new DigestguardError("DIFF_ID_MISMATCH", answer.error.message, { details: answer.error.details ?? {} });
  return {
    size,
    ...(answer.uncompressedDigest !== undefined ? { uncompressedDigest: answer.uncompressedDigest } : {}),
  };
}

/**
 * Start the hash workers now, before the first local blob is proven: a
 * worker takes tens of milliseconds to start, which can overlap reading the
 * manifests instead of delaying the first layer.
 *
 * @example
 * ```ts
 * if (store.localBlobPath !== undefined) warmLocalBlobProofs();
 * ```
 */
export function warmLocalBlobProofs(): void {
  sharedHashPool().warm();
}
