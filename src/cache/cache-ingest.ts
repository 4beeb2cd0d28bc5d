import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { createDigestHasher, digestAlgorithm, type DigestHasher } from "../oci/digest.js";
import type { ContentStore } from "../store/content-store.js";
import { resumableBlobStream } from "../store/resumable-blob-stream.js";
import { fileSystemError, isErrnoCode } from "../store/atomic-file.js";

/** What an ingest did. */
export interface IngestResult {
  /** Bytes taken from an earlier, interrupted ingest (re-hashed, not re-downloaded). */
  resumedFrom: number;
  /** Times the source connection dropped and was resumed with a Range read. */
  resumes: number;
}

/**
 * Download a blob into `partialPath` and commit it to `finalPath` only once
 * its size and digest are proven — the containerd commit rule, with a clear
 * error instead of "unexpected commit digest". A partial file left by an
 * interrupted run is re-hashed and the download continues from its end;
 * bytes that turn out wrong discard the partial file, so nothing unproven is
 * ever committed. An interruption (Ctrl-C, network) keeps it for next time.
 *
 * @example
 * ```ts
 * await ingestBlob(store, layer, { partialPath, finalPath, signal });
 * ```
 */
export async function ingestBlob(
  source: ContentStore,
  descriptor: Descriptor,
  paths: { partialPath: string; finalPath: string },
  options: { signal?: AbortSignal } = {},
): Promise<IngestResult> {
  await mkdir(dirname(paths.partialPath), { recursive: true });
  await mkdir(dirname(paths.finalPath), { recursive: true });
  const hasher = createDigestHasher(digestAlgorithm(descriptor.digest));
  const resumedFrom = await rehashPartial(paths.partialPath, descriptor, hasher, options.signal);
  let resumes = 0;
  const handle = await open(paths.partialPath, "a").catch((error: unknown) => {
    throw fileSystemError("open partial download", paths.partialPath, error, options.signal);
  });
  try {
    const stream = resumableBlobStream(source, descriptor, {
      from: { offset: resumedFrom, hasher },
      signal: options.signal,
      onResume: () => resumes++,
    });
    await pipeline(stream, appendTo(handle), { signal: options.signal });
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof DigestguardError && (error.code === "DIGEST_MISMATCH" || (error.code === "SIZE_MISMATCH" && !error.temporary))) {
      await rm(paths.partialPath, { force: true });
    }
    if (options.signal?.aborted && !(error instanceof DigestguardError)) {
      throw new DigestguardError("ABORTED", `Cannot finish caching ${descriptor.digest}: the operation was cancelled; the partial download is kept.`, { cause: error });
    }
    throw error;
  }
  await handle.close();
  await rename(paths.partialPath, paths.finalPath).catch((error: unknown) => {
    throw fileSystemError("commit blob", paths.finalPath, error, options.signal);
  });
  return { resumedFrom, resumes };
}

// Feed an earlier partial download through the hasher; a partial longer than
// the blob cannot be right and is dropped.
async function rehashPartial(path: string, descriptor: Descriptor, hasher: DigestHasher, signal?: AbortSignal): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return 0;
    throw fileSystemError("read partial download", path, error, signal);
  }
  if (size > descriptor.size) {
    await truncate(path, 0);
    return 0;
  }
  if (size === 0) return 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, end: size - 1 }) as AsyncIterable<Buffer>) {
    hasher.update(chunk);
  }
  return size;
}

function appendTo(handle: import("node:fs/promises").FileHandle): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk).then(() => callback(), callback);
    },
  });
}
