import { addAbortSignal, Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { createDigestHasher, digestAlgorithm, type DigestHasher } from "../oci/digest.js";
import { contentMismatchError } from "../oci/verifying-stream.js";
import type { ContentStore } from "./content-store.js";

/** Anything that can hand out a blob's raw bytes from an offset: every store, or a plain file. */
export type BlobSource = Pick<ContentStore, "openBlobAt">;

/** Where a resumed read starts: bytes already received and hashed elsewhere (a partial file). */
export interface ResumePoint {
  offset: number;
  hasher: DigestHasher;
}

/** Options for {@link readVerifiedBlob}. */
export interface VerifiedReadOptions {
  from?: ResumePoint;
  /** Reads of the source, the first included; default 4. */
  attempts?: number;
  signal?: AbortSignal;
  /** Called when a read failed temporarily and is resumed at `offset`. */
  onResume?: (offset: number, error: DigestguardError) => void;
  /** Bytes as they are accepted, for progress displays. */
  onBytes?: (count: number) => void;
  /** What the blob is, for messages; default `blob <digest>`. */
  what?: string;
}

/**
 * The one verified read: every blob that enters digestguard — from a
 * registry, an OCI layout, the cache or a mirror — is streamed through here.
 * It yields exactly the blob's bytes and survives temporary failures: when
 * the connection drops mid-body it asks the source again from the byte it
 * got to (HTTP Range), and when the source ignores the range it skips what
 * it already has. Size and digest are checked over every byte emitted, so
 * the stream errors — never ends normally — unless the whole blob is right.
 * Stores implement `fetchBlob` with it; the cache resumes a partial download
 * with `from`.
 *
 * @example
 * ```ts
 * await pipeline(readVerifiedBlob(store, layer, { signal }), createWriteStream(tmp));
 * ```
 */
export function readVerifiedBlob(
  source: BlobSource,
  descriptor: Descriptor,
  options: VerifiedReadOptions = {},
): Readable {
  const stream = Readable.from(readBlob(source, descriptor, options), { objectMode: false, highWaterMark: 1 << 20 });
  if (options.from === undefined) wholeVerifiedReads.set(stream, { digest: descriptor.digest, size: descriptor.size });
  return options.signal === undefined ? stream : addAbortSignal(options.signal, stream);
}

// Module-private, so no other code can mark a stream as verified.
const wholeVerifiedReads = new WeakMap<Readable, { digest: string; size: number }>();

/**
 * Whether `stream` is an untouched verified read of the whole of `descriptor`
 * made here: it will error, never end normally, unless every byte it emits
 * matches the descriptor, so a writer that consumes all of it may skip its
 * own hash. A plain stream, a resumed read (only part of the blob) and a read
 * someone already took bytes from are not.
 *
 * @example
 * ```ts
 * const check = isWholeVerifiedReadOf(content, descriptor) ? undefined : verifyingStream(descriptor);
 * ```
 */
export function isWholeVerifiedReadOf(stream: Readable, descriptor: Descriptor): boolean {
  const made = wholeVerifiedReads.get(stream);
  return (
    made !== undefined &&
    made.digest === descriptor.digest &&
    made.size === descriptor.size &&
    !stream.readableDidRead &&
    !stream.destroyed
  );
}

/**
 * {@link readVerifiedBlob}, with the first read opened before the stream is
 * handed over: a missing blob, a refused request or a bad file rejects here,
 * as `ContentStore.fetchBlob` promises, instead of surfacing on the first read.
 *
 * @example
 * ```ts
 * const stream = await openVerifiedBlob(store, layer, { signal }); // BLOB_UNKNOWN rejects here
 * ```
 */
export async function openVerifiedBlob(
  source: BlobSource,
  descriptor: Descriptor,
  options: VerifiedReadOptions = {},
): Promise<Readable> {
  const first = await source.openBlobAt(descriptor, options.from?.offset ?? 0, { signal: options.signal });
  let handedOver = false;
  const once: BlobSource = {
    openBlobAt: (d, offset, callOptions) => {
      if (handedOver) return source.openBlobAt(d, offset, callOptions);
      handedOver = true;
      return Promise.resolve(first);
    },
  };
  return readVerifiedBlob(once, descriptor, options);
}

async function* readBlob(
  store: BlobSource,
  descriptor: Descriptor,
  options: VerifiedReadOptions,
): AsyncGenerator<Buffer> {
  const hasher = options.from?.hasher ?? createDigestHasher(digestAlgorithm(descriptor.digest));
  const attempts = options.attempts ?? 4;
  const progress = { received: options.from?.offset ?? 0 };
  let shortRead: DigestguardError | undefined;
  const what = options.what ?? `blob ${descriptor.digest}`;
  for (let attempt = 1; ; attempt++) {
    const startedAt = progress.received;
    const opened = await openOrExplain(store, descriptor, progress.received, shortRead, options.signal);
    try {
      yield* readBody(opened, descriptor, hasher, progress, what, options.onBytes);
      // A body that ended early is worth one more ranged read: a proxy may have cut it.
      if (progress.received < descriptor.size)
        throw contentMismatchError("SIZE_MISMATCH", what, descriptor, progress.received, undefined);
      break;
    } catch (error) {
      if (!(error instanceof DigestguardError) || !error.temporary || options.signal?.aborted) throw error;
      // A body that ends where the last one ended, without a timeout, is no accident of
      // the network: the registry's copy is short, and saying NETWORK would send people
      // chasing their connection.
      if (attempt > 1 && progress.received === startedAt && error.code !== "TIMEOUT")
        throw truncatedBlob(descriptor, progress.received, error);
      if (attempt >= attempts) throw gaveUp(error, descriptor, progress.received, attempts);
      if (error.code === "SIZE_MISMATCH") shortRead = error;
      options.onResume?.(progress.received, error);
      await sleep(Math.min(2000, 100 * 2 ** attempt), undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
  const actual = hasher.digest();
  if (actual !== descriptor.digest)
    throw contentMismatchError("DIGEST_MISMATCH", what, descriptor, progress.received, actual);
}

// Opening is not retried here: the store's own request layer already retried
// it, and a second layer of retries would multiply the waits.
async function openOrExplain(
  store: BlobSource,
  descriptor: Descriptor,
  offset: number,
  shortRead: DigestguardError | undefined,
  signal: AbortSignal | undefined,
): Promise<{ stream: Readable; offset: number }> {
  try {
    return await store.openBlobAt(descriptor, offset, { signal });
  } catch (error) {
    // After a short body, a refused range read (416) says less than the short read itself.
    const refused = error instanceof DigestguardError && !error.temporary;
    if (shortRead !== undefined && refused && signal?.aborted !== true)
      throw truncatedBlob(descriptor, offset, shortRead);
    throw error;
  }
}

async function* readBody(
  opened: { stream: Readable; offset: number },
  descriptor: Descriptor,
  hasher: DigestHasher,
  progress: { received: number },
  what: string,
  onBytes: ((count: number) => void) | undefined,
): AsyncGenerator<Buffer> {
  let skip = progress.received - opened.offset; // the store sent bytes we already have
  for await (const raw of opened.stream as AsyncIterable<Buffer>) {
    let chunk = raw;
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.length);
      skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) continue;
    }
    progress.received += chunk.length;
    if (progress.received > descriptor.size)
      throw contentMismatchError("SIZE_MISMATCH", what, descriptor, progress.received, undefined);
    hasher.update(chunk);
    onBytes?.(chunk.length);
    yield chunk;
  }
}

function truncatedBlob(descriptor: Descriptor, received: number, cause: DigestguardError): DigestguardError {
  return new DigestguardError(
    "SIZE_MISMATCH",
    `Cannot accept blob ${descriptor.digest}: received ${received} of ${descriptor.size} bytes; the registry ends it at the same point on every read, so its stored copy is truncated. Push the image again, or ask the registry's operator to repair the blob.`,
    { cause, details: { expectedDigest: descriptor.digest, expectedSize: descriptor.size, received } },
  );
}

// The last temporary failure says what broke ("other side closed"); the
// report also needs how far the blob got, as a short read would say.
function gaveUp(error: DigestguardError, descriptor: Descriptor, received: number, attempts: number): DigestguardError {
  if (error.code === "SIZE_MISMATCH" || received === 0) return error;
  return new DigestguardError(
    error.code,
    `${error.message} Gave up after ${attempts} reads, with ${received} of ${descriptor.size} bytes of blob ${descriptor.digest}.`,
    {
      cause: error,
      temporary: true,
      details: { ...error.details, expectedDigest: descriptor.digest, expectedSize: descriptor.size, received },
    },
  );
}
