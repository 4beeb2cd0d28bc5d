import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { DigestguardError } from "../../errors/error.js";
import { isCode } from "../../errors/predicates.js";
import type { Descriptor } from "../../oci/descriptor.js";
import { createDigestHasher, digestAlgorithm, type DigestHasher } from "../../oci/digest.js";
import { contentMismatchError } from "../../oci/verifying-stream.js";
import type { BlobReadOptions } from "../content-store.js";
import { readVerifiedBlob, type BlobSource } from "../verified-read.js";
import { fileSystemError } from "../../fs/atomic-file.js";
import { commitBlob } from "./commit-blob.js";
import { claimAbandonedPartial, ownPartialName, releasedPartialName } from "./partial-files.js";

/** What an ingest did. */
export interface IngestResult {
  /** Bytes taken from an earlier, interrupted ingest (re-hashed, not re-downloaded). */
  resumedFrom: number;
  /** Times the source connection dropped and was resumed with a Range read. */
  resumes: number;
}

/** Where {@link ingestBlob} works: the blob's `<alg>-<hex>` key, the folder of partial downloads, the committed path. */
export interface IngestPaths {
  key: string;
  ingestDir: string;
  finalPath: string;
}

/**
 * Download a blob into a partial file of this process's own and commit it
 * to `finalPath` only once its size and digest are proven over exactly the
 * bytes in that file — the containerd commit rule, with a clear error
 * instead of "unexpected commit digest". Any number of processes may
 * ingest into one cache at once: each writes its own file, and the commit
 * never replaces a good blob. A partial left by a run that stopped early
 * (or whose process died) is re-hashed and continued; if the result is
 * then wrong, the old prefix was to blame, so it is thrown away and the
 * blob fetched once more from the start. Only a mismatch over bytes all
 * fetched in this run is the source's fault.
 *
 * @example
 * ```ts
 * await ingestBlob(store, layer, { key: "sha256-…", ingestDir, finalPath }, { signal });
 * ```
 */
export async function ingestBlob(
  source: BlobSource,
  descriptor: Descriptor,
  paths: IngestPaths,
  options: BlobReadOptions = {},
): Promise<IngestResult> {
  await mkdir(paths.ingestDir, { recursive: true });
  await mkdir(dirname(paths.finalPath), { recursive: true });
  const ownPath = join(paths.ingestDir, ownPartialName(paths.key));
  const resuming = await claimAbandonedPartial(paths.ingestDir, paths.key, ownPath);
  let result: IngestResult;
  try {
    result = await downloadToPartial(source, descriptor, ownPath, { resume: resuming, ...options });
  } catch (error) {
    const badPrefix = isCode(error, "DIGEST_MISMATCH") && Number(error.details["resumedFrom"] ?? 0) > 0;
    if (!badPrefix) throw await settleFailure(error, ownPath, paths, descriptor, options.signal);
    result = await downloadToPartial(source, descriptor, ownPath, { resume: false, ...options }).catch(
      async (again: unknown) => {
        throw await settleFailure(again, ownPath, paths, descriptor, options.signal);
      },
    );
  }
  await commitBlob(ownPath, paths.finalPath, descriptor, options);
  return result;
}

// Bad bytes: the partial goes. An interruption: the partial is let go under
// an ownerless name, so the next run (in this process or another) resumes it.
async function settleFailure(
  error: unknown,
  ownPath: string,
  paths: IngestPaths,
  descriptor: Descriptor,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const bad = isCode(error, "DIGEST_MISMATCH") || (isCode(error, "SIZE_MISMATCH") && !error.temporary);
  if (bad) await rm(ownPath, { force: true });
  else
    await rename(ownPath, join(paths.ingestDir, releasedPartialName(paths.key))).catch(() =>
      rm(ownPath, { force: true }),
    );
  if (signal?.aborted && !(error instanceof DigestguardError)) {
    return new DigestguardError(
      "ABORTED",
      `Cannot finish caching ${descriptor.digest}: the operation was cancelled; the partial download is kept.`,
      { cause: error },
    );
  }
  return error;
}

// One download attempt into `path`, which this process alone writes. The
// digest covers the prefix read back through the same handle plus every
// byte written to it; the file's size is checked before it may be committed.
async function downloadToPartial(
  source: BlobSource,
  descriptor: Descriptor,
  path: string,
  options: BlobReadOptions & { resume: boolean },
): Promise<IngestResult> {
  const handle = await open(path, options.resume ? "r+" : "w").catch((error: unknown) => {
    throw fileSystemError("open partial download", path, error, options.signal);
  });
  const hasher = createDigestHasher(digestAlgorithm(descriptor.digest));
  let resumedFrom = 0;
  let resumes = 0;
  try {
    resumedFrom = options.resume ? await rehashPrefix(handle, descriptor, hasher) : 0;
    const stream = readVerifiedBlob(source, descriptor, {
      from: { offset: resumedFrom, hasher },
      signal: options.signal,
      onBytes: options.onBytes,
      onResume: (offset) => {
        resumes++;
        options.onResume?.(offset);
      },
    });
    await pipeline(stream, writeFrom(handle, resumedFrom), { signal: options.signal });
    await handle.sync();
    const size = (await handle.stat()).size;
    if (size !== descriptor.size)
      throw contentMismatchError("SIZE_MISMATCH", `partial download ${path}`, descriptor, size, undefined);
  } catch (error) {
    throw withResumedFrom(error, resumedFrom);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return { resumedFrom, resumes };
}

// Feed the partial's bytes through the hasher; a partial longer than the blob cannot be right and is emptied.
async function rehashPrefix(handle: FileHandle, descriptor: Descriptor, hasher: DigestHasher): Promise<number> {
  const size = (await handle.stat()).size;
  if (size > descriptor.size) {
    await handle.truncate(0);
    return 0;
  }
  const buffer = Buffer.allocUnsafe(Math.min(size, 1 << 20));
  for (let position = 0; position < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) return position; // cut short meanwhile: continue from what was read
    hasher.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return size;
}

function writeFrom(handle: FileHandle, start: number): Writable {
  let position = start;
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      const at = position;
      position += chunk.length;
      handle.write(chunk, 0, chunk.length, at).then(() => callback(), callback);
    },
    // Bytes past the end from an emptied-then-refilled file must not survive.
    final(callback) {
      handle.truncate(position).then(() => callback(), callback);
    },
  });
}

function withResumedFrom(error: unknown, resumedFrom: number): unknown {
  if (!isCode(error, "DIGEST_MISMATCH") || resumedFrom === 0) return error;
  return new DigestguardError(error.code, error.message, {
    cause: error.cause,
    temporary: error.temporary,
    details: { ...error.details, resumedFrom },
  });
}
