import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { DigestguardError } from "../../errors/error.js";
import type { Descriptor } from "../../oci/descriptor.js";
import { MAX_MANIFEST_BYTES, parseManifest, type FetchedManifest } from "../../oci/manifest.js";
import type { BlobReadOptions, CallOptions, ContentStore, Target } from "../content-store.js";
import type { ContentCache } from "./content-cache.js";
import { readRefs, recordRef } from "./cache-refs.js";

/**
 * One repository's view of the local cache as a {@link ContentStore}, so
 * `verify --offline` runs the same code over cached bytes as over a
 * registry. Tags come from the cache's reference index; every read is
 * re-verified (and bad entries quarantined) by the cache.
 *
 * @example
 * ```ts
 * const store = new CacheStore(cache, "127.0.0.1:5000/app");
 * const tree = await walkImage(store, { tag: "1.0" });
 * ```
 */
export class CacheStore implements ContentStore {
  readonly location: string;

  constructor(
    readonly cache: ContentCache,
    /** `registry/repository`, the prefix of the cache's reference keys. */
    readonly repository: string,
  ) {
    this.location = `cache:${repository}`;
  }

  async resolve(target: Target, _options: CallOptions = {}): Promise<Descriptor> {
    if (target.digest !== undefined) {
      const fetched = await this.fetchManifest({ digest: target.digest });
      return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size };
    }
    const key = `${this.repository}:${target.tag}`;
    const ref = (await readRefs(this.cache.root)).refs[key];
    if (ref === undefined) {
      throw new DigestguardError(
        "MANIFEST_UNKNOWN",
        `Cannot find ${key} in the cache: it was never cached; run verify with --cache while online first.`,
      );
    }
    return { mediaType: ref.mediaType, digest: ref.digest as Descriptor["digest"], size: ref.size };
  }

  async fetchManifest(target: Target, options: CallOptions = {}): Promise<FetchedManifest> {
    const descriptor =
      target.digest !== undefined && target.tag === undefined
        ? await this.#sizeOf(target.digest)
        : await this.resolve(target, options);
    const bytes = await this.cache.readBytes(descriptor, MAX_MANIFEST_BYTES);
    return parseManifest(bytes, { expectedDigest: descriptor.digest });
  }

  fetchBlob(descriptor: Descriptor, options: BlobReadOptions = {}): Promise<Readable> {
    return this.cache.read(descriptor, options);
  }

  openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options: CallOptions = {},
  ): Promise<{ stream: Readable; offset: number }> {
    return this.cache.openBlobAt(descriptor, offset, options);
  }

  localBlobPath(descriptor: Descriptor): string {
    return this.cache.blobPath(descriptor.digest);
  }

  /** A cached blob found bad is quarantined, never served again. */
  blobProvenBad(descriptor: Descriptor, error: DigestguardError): Promise<DigestguardError> {
    return this.cache.quarantineFor(descriptor.digest, error);
  }

  exists(descriptor: Descriptor): Promise<boolean> {
    return this.cache.has(descriptor);
  }

  async pushBlob(descriptor: Descriptor, content: Readable | Uint8Array, options: CallOptions = {}): Promise<void> {
    if (content instanceof Uint8Array) return this.cache.putBytes(descriptor, content, options);
    throw new DigestguardError(
      "UNSUPPORTED",
      "Cannot push a blob stream into the cache directly: use ContentCache.ingest, which verifies and resumes.",
    );
  }

  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions & { tag?: string } = {},
  ): Promise<Descriptor> {
    const fetched = parseManifest(bytes, { contentType: mediaType });
    const descriptor = { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size };
    await this.cache.putBytes(descriptor, bytes, options);
    if (options.tag !== undefined) await recordRef(this.cache.root, `${this.repository}:${options.tag}`, descriptor);
    return descriptor;
  }

  async listTags(): Promise<string[]> {
    const prefix = `${this.repository}:`;
    return Object.keys((await readRefs(this.cache.root)).refs)
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
  }

  async #sizeOf(digest: Descriptor["digest"]): Promise<Descriptor> {
    const info = await stat(this.cache.blobPath(digest)).catch(() => undefined);
    if (info === undefined)
      throw new DigestguardError(
        "MANIFEST_UNKNOWN",
        `Cannot find manifest ${digest} in the cache: it was never cached.`,
      );
    return { mediaType: "", digest, size: info.size };
  }
}
