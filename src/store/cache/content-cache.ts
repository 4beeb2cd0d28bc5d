import { mkdir, readFile, rename, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { DigestguardError } from "../../errors/error.js";
import { isContentMismatch } from "../../errors/predicates.js";
import type { Descriptor } from "../../oci/descriptor.js";
import { digestAlgorithm, digestHex, digestOf, parseDigest, type Digest } from "../../oci/digest.js";
import { verifyBytes } from "../../oci/verifying-stream.js";
import { isErrnoCode, writeFileAtomic } from "../../fs/atomic-file.js";
import { openRegularFile } from "../../fs/regular-file.js";
import type { BlobReadOptions, CallOptions } from "../content-store.js";
import { openVerifiedBlob, type BlobSource } from "../verified-read.js";
import { ingestBlob, type IngestResult } from "./cache-ingest.js";
import { defaultCacheDir } from "./cache-location.js";

/** When reads from the cache re-hash the content: always, never, or when the last check is older than `maxAgeMs`. */
export type VerifyOnRead = "always" | "never" | { maxAgeMs: number };

/**
 * A local, content-addressed store of blobs (`blobs/<alg>/<hex>`) that
 * verifies on write and on read. Writes go through `ingest/` and are renamed
 * into place only once proven; a blob that fails a later check is moved to
 * `quarantine/` and reported, never served. A blob file's mtime records when
 * it was last verified; its atime when it was last used (for pruning).
 *
 * @example
 * ```ts
 * const cache = await ContentCache.open();
 * await cache.ingest(store, layer);
 * const stream = await cache.read(layer);
 * ```
 */
export class ContentCache {
  private constructor(
    readonly root: string,
    readonly verifyOnRead: VerifyOnRead,
  ) {}

  /** Open (creating) the cache at `root` (default: the user's cache folder). */
  static async open(
    root: string = defaultCacheDir(),
    options: { verifyOnRead?: VerifyOnRead } = {},
  ): Promise<ContentCache> {
    await mkdir(join(root, "blobs"), { recursive: true });
    return new ContentCache(root, options.verifyOnRead ?? "always");
  }

  /** Where a blob lives once committed. */
  blobPath(digest: Digest): string {
    const valid = parseDigest(digest);
    return join(this.root, "blobs", digestAlgorithm(valid), digestHex(valid));
  }

  /** Whether the blob is committed with the descriptor's size. */
  async has(descriptor: Pick<Descriptor, "digest" | "size">): Promise<boolean> {
    try {
      return (await stat(this.blobPath(descriptor.digest))).size === descriptor.size;
    } catch (error) {
      if (isErrnoCode(error, "ENOENT")) return false;
      throw error;
    }
  }

  /** Copy a blob from `source` into the cache (resuming an interrupted copy); a no-op when already there. */
  async ingest(
    source: BlobSource,
    descriptor: Descriptor,
    options: BlobReadOptions = {},
  ): Promise<IngestResult & { cached: boolean }> {
    if (await this.has(descriptor)) return { cached: true, resumedFrom: 0, resumes: 0 };
    const key = `${digestAlgorithm(descriptor.digest)}-${digestHex(parseDigest(descriptor.digest))}`;
    const result = await ingestBlob(
      source,
      descriptor,
      { key, ingestDir: join(this.root, "ingest"), finalPath: this.blobPath(descriptor.digest) },
      options,
    );
    return { cached: false, ...result };
  }

  /** Store small, already-read content (a manifest) after checking it. */
  async putBytes(descriptor: Descriptor, bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    verifyBytes(bytes, descriptor, `content ${descriptor.digest}`, digestOf(bytes, digestAlgorithm(descriptor.digest)));
    if (await this.has(descriptor)) return;
    const path = this.blobPath(descriptor.digest);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, bytes, { signal: options.signal });
  }

  /** Read small content whole (manifests), verified. */
  async readBytes(descriptor: Pick<Descriptor, "digest" | "size">, limit: number): Promise<Uint8Array> {
    if (descriptor.size > limit)
      throw new DigestguardError(
        "MANIFEST_TOO_LARGE",
        `Cannot read ${descriptor.digest} from the cache: over ${limit} bytes.`,
      );
    const path = this.blobPath(descriptor.digest);
    const bytes = await readFile(path).catch((error: unknown) => {
      if (isErrnoCode(error, "ENOENT")) throw notCached(descriptor.digest);
      throw error;
    });
    try {
      verifyBytes(
        bytes,
        { digest: descriptor.digest, size: descriptor.size },
        `cached ${descriptor.digest}`,
        digestOf(bytes, digestAlgorithm(descriptor.digest)),
      );
    } catch (error) {
      throw await this.quarantineFor(descriptor.digest, error as DigestguardError);
    }
    return new Uint8Array(bytes);
  }

  /**
   * A stream of a cached blob. Re-verified as it is read (per `verifyOnRead`):
   * a mismatch moves the file to quarantine and the stream errors with the
   * mismatch, its details naming the quarantine path.
   */
  async read(descriptor: Descriptor, options: BlobReadOptions = {}): Promise<Readable> {
    const path = this.blobPath(descriptor.digest);
    const info = await stat(path).catch((error: unknown) => {
      if (isErrnoCode(error, "ENOENT")) throw notCached(descriptor.digest);
      throw error;
    });
    await utimes(path, new Date(), info.mtime).catch(() => undefined);
    const source = this.#fileSource(path);
    if (!this.#mustVerify(info.mtimeMs)) return (await source.openBlobAt(descriptor, 0, options)).stream;
    const verified = await openVerifiedBlob(source, descriptor, {
      ...options,
      attempts: 1,
      what: `cached blob ${descriptor.digest}`,
    });
    return Readable.from(this.#verifiedChunks(verified, descriptor.digest, path), {
      objectMode: false,
      highWaterMark: 1 << 20,
    });
  }

  /** The cached file's bytes from `offset` on, unverified; only a regular file inside the cache is read. */
  openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options: CallOptions = {},
  ): Promise<{ stream: Readable; offset: number }> {
    return this.#fileSource(this.blobPath(descriptor.digest)).openBlobAt(descriptor, offset, options);
  }

  #fileSource(path: string): BlobSource {
    return {
      openBlobAt: async (descriptor, offset, options = {}) => {
        const handle = await openRegularFile(path, this.root, options).catch((error: unknown) => {
          if (isErrnoCode(error, "ENOENT")) throw notCached(descriptor.digest);
          throw error;
        });
        return { stream: handle.createReadStream({ highWaterMark: 1 << 20, start: offset }), offset };
      },
    };
  }

  // Yields the verified bytes; on a mismatch, quarantines first so the error can say where the bad copy went.
  async *#verifiedChunks(verified: Readable, digest: Digest, path: string): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of verified as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      if (isContentMismatch(error)) {
        throw await this.quarantineFor(digest, error);
      }
      throw error;
    }
    await utimes(path, new Date(), new Date()).catch(() => undefined);
  }

  /** Move a blob to `quarantine/` (kept for evidence, never served again); returns its new path. */
  async quarantine(digest: Digest): Promise<string | undefined> {
    const from = this.blobPath(digest);
    const to = join(this.root, "quarantine", `${digestAlgorithm(digest)}-${digestHex(digest)}.${Date.now()}`);
    await mkdir(dirname(to), { recursive: true });
    try {
      await rename(from, to);
      return to;
    } catch (error) {
      if (isErrnoCode(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  #mustVerify(verifiedAtMs: number): boolean {
    if (this.verifyOnRead === "always") return true;
    if (this.verifyOnRead === "never") return false;
    return Date.now() - verifiedAtMs > this.verifyOnRead.maxAgeMs;
  }

  /** Quarantine a blob proven bad by `error`, and return that error saying where the bad copy went. */
  async quarantineFor(digest: Digest, error: DigestguardError): Promise<DigestguardError> {
    const moved = await this.quarantine(digest);
    return new DigestguardError(
      error.code,
      `${error.message} The cached copy was moved to quarantine${moved ? ` (${moved})` : ""} and will be fetched again.`,
      {
        details: { ...error.details, quarantined: moved, cache: true },
      },
    );
  }
}

function notCached(digest: string): DigestguardError {
  return new DigestguardError(
    "BLOB_UNKNOWN",
    `Cannot read ${digest} from the cache: it is not cached; run without --offline to fetch it.`,
  );
}
