import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { createDigestHasher, digestAlgorithm, type DigestHasher } from "../oci/digest.js";
import { contentMismatchError } from "../oci/verifying-stream.js";
import type { ContentStore } from "./content-store.js";

/** Where a resumed read starts: bytes already received and hashed elsewhere (a partial file). */
export interface ResumePoint {
  offset: number;
  hasher: DigestHasher;
}

/** Options for {@link resumableBlobStream}. */
export interface ResumableOptions {
  from?: ResumePoint;
  /** Reads of the source, the first included; default 4. */
  attempts?: number;
  signal?: AbortSignal;
  /** Called when a read failed temporarily and is resumed at `offset`. */
  onResume?: (offset: number, error: DigestguardError) => void;
}

/**
 * A stream of exactly one blob's bytes that survives temporary failures: when
 * the connection drops mid-body it asks the store again from the byte it got
 * to (HTTP Range), and when the store ignores the range it skips what it
 * already has. Size and digest are checked over every byte emitted, so the
 * stream errors — never ends normally — unless the whole blob is right.
 *
 * @example
 * ```ts
 * await pipeline(resumableBlobStream(store, layer, { signal }), createWriteStream(tmp));
 * ```
 */
export function resumableBlobStream(store: ContentStore, descriptor: Descriptor, options: ResumableOptions = {}): Readable {
  return Readable.from(readBlob(store, descriptor, options), { objectMode: false, highWaterMark: 1 << 20 });
}

async function* readBlob(store: ContentStore, descriptor: Descriptor, options: ResumableOptions): AsyncGenerator<Buffer> {
  const hasher = options.from?.hasher ?? createDigestHasher(digestAlgorithm(descriptor.digest));
  const attempts = options.attempts ?? 4;
  let received = options.from?.offset ?? 0;
  let shortRead: DigestguardError | undefined;
  const what = `blob ${descriptor.digest}`;
  for (let attempt = 1; ; attempt++) {
    try {
      {
        const { stream, offset } = await store.openBlobAt(descriptor, received, { signal: options.signal });
        let skip = received - offset; // the store sent bytes we already have
        for await (const raw of stream as AsyncIterable<Buffer>) {
          let chunk = raw;
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.length);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
            if (chunk.length === 0) continue;
          }
          received += chunk.length;
          if (received > descriptor.size) throw contentMismatchError("SIZE_MISMATCH", what, descriptor, received, undefined);
          hasher.update(chunk);
          yield chunk;
        }
      }
      // A body that ended early is worth one more ranged read: a proxy may have cut it.
      if (received < descriptor.size) throw contentMismatchError("SIZE_MISMATCH", what, descriptor, received, undefined);
      break;
    } catch (error) {
      const temporary = error instanceof DigestguardError && error.temporary;
      // After a short body, a refused range read (416) says less than the short read itself.
      if (!temporary && shortRead !== undefined && !options.signal?.aborted) throw shortRead;
      if (!temporary || options.signal?.aborted) throw error;
      if (attempt >= attempts) throw gaveUp(error, descriptor, received, attempts);
      if (error.code === "SIZE_MISMATCH") shortRead = error;
      options.onResume?.(received, error);
      await sleep(Math.min(2000, 100 * 2 ** attempt), undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
  const actual = hasher.digest();
  if (actual !== descriptor.digest) throw contentMismatchError("DIGEST_MISMATCH", what, descriptor, received, actual);
}

// The last temporary failure says what broke ("other side closed"); the
// report also needs how far the blob got, as a short read would say.
function gaveUp(error: DigestguardError, descriptor: Descriptor, received: number, attempts: number): DigestguardError {
  if (error.code === "SIZE_MISMATCH" || received === 0) return error;
  return new DigestguardError(error.code, `${error.message} Gave up after ${attempts} reads, with ${received} of ${descriptor.size} bytes of blob ${descriptor.digest}.`, {
    cause: error,
    temporary: true,
    details: { ...error.details, expectedDigest: descriptor.digest, expectedSize: descriptor.size, received },
  });
}
