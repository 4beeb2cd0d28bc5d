import { link, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { Descriptor } from "../../oci/descriptor.js";
import { isCode, isContentMismatch } from "../../errors/predicates.js";
import { proveLocalBlob } from "../local-blob-proof.js";
import { fileSystemError, isErrnoCode, syncDirectory } from "../../fs/atomic-file.js";

/**
 * Make a proven partial download the committed blob without ever
 * replacing a good one: the file is hard-linked to `finalPath`, which fails
 * when another process committed first; then that blob is kept if it
 * hashes right (ours is dropped) and replaced by ours if it does not. The
 * folder is fsynced so the commit survives a crash. `partialPath` is gone
 * afterwards either way.
 *
 * @example
 * ```ts
 * await commitBlob(ownPartial, cache.blobPath(layer.digest), layer, { signal });
 * ```
 */
export async function commitBlob(
  partialPath: string,
  finalPath: string,
  descriptor: Pick<Descriptor, "digest" | "size">,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  try {
    if (await linkUnlessPresent(partialPath, finalPath)) {
      await unlink(partialPath);
    } else if (await fileHashesTo(finalPath, descriptor, options.signal)) {
      await unlink(partialPath); // another process committed the same bytes first
      return;
    } else {
      await rename(partialPath, finalPath); // what is there is damaged (or links are unsupported and nothing is there)
    }
  } catch (error) {
    throw fileSystemError("commit blob", finalPath, error, options.signal);
  }
  await syncDirectory(dirname(finalPath));
}

// True when linked; false when a file is already there or the file system has no hard links.
async function linkUnlessPresent(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (isErrnoCode(error, "EEXIST") || isErrnoCode(error, "EPERM") || isErrnoCode(error, "ENOTSUP")) return false;
    throw error;
  }
}

/** Whether the file exists with the descriptor's size and digest, proven by the one worker pool. */
async function fileHashesTo(
  path: string,
  descriptor: Pick<Descriptor, "digest" | "size">,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    await proveLocalBlob(path, descriptor, { signal });
    return true;
  } catch (error) {
    if (isContentMismatch(error) || isCode(error, "BLOB_UNKNOWN")) return false;
    throw error;
  }
}
