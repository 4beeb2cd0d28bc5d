import type { Readable } from "node:stream";
import type { Descriptor } from "../../oci/descriptor.js";
import type { FetchedManifest } from "../../oci/manifest.js";
import type { BlobReadOptions, CallOptions, ContentStore, Target } from "../content-store.js";
import type { ContentCache } from "./content-cache.js";

/**
 * Any store with the local cache written through: every manifest and blob
 * read through it is proven and then committed to the cache, and blob bytes
 * are handed on only from the committed, re-verified cache file. Reads go to
 * the wrapped store even when the cache already holds the content — what is
 * checked is what the source serves now — so `verify --cache`, `check
 * --deep` and a mirror get caching by composing this store, not by knowing
 * about the cache. Writes and tag listings go straight to the wrapped store.
 *
 * @example
 * ```ts
 * const store = new CachingStore(await openRegistryStore(ref), await ContentCache.open());
 * const report = await verifyImage(store, { tag: "1.0" }, { display: "app:1.0" });
 * ```
 */
export class CachingStore implements ContentStore {
  readonly location: string;

  constructor(
    readonly inner: ContentStore,
    readonly cache: ContentCache,
  ) {
    this.location = inner.location;
  }

  resolve(target: Target, options: CallOptions = {}): Promise<Descriptor> {
    return this.inner.resolve(target, options);
  }

  async fetchManifest(target: Target, options: CallOptions = {}): Promise<FetchedManifest> {
    const fetched = await this.inner.fetchManifest(target, options);
    await this.cache.putBytes(
      { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size },
      fetched.bytes,
      options,
    );
    return fetched;
  }

  async fetchBlob(descriptor: Descriptor, options: BlobReadOptions = {}): Promise<Readable> {
    const ingest = await this.cache.ingest(this.inner, descriptor, options);
    // Already cached (by an earlier run or another process): the source is still read and proven.
    if (ingest.cached) return this.inner.fetchBlob(descriptor, options);
    const { onBytes: _counted, onResume: _resumed, ...rest } = options;
    return this.cache.read(descriptor, rest);
  }

  openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options: CallOptions = {},
  ): Promise<{ stream: Readable; offset: number }> {
    return this.inner.openBlobAt(descriptor, offset, options);
  }

  exists(descriptor: Descriptor, options: CallOptions = {}): Promise<boolean> {
    return this.inner.exists(descriptor, options);
  }

  pushBlob(descriptor: Descriptor, content: Readable | Uint8Array, options: CallOptions = {}): Promise<void> {
    return this.inner.pushBlob(descriptor, content, options);
  }

  pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions & { tag?: string } = {},
  ): Promise<Descriptor> {
    return this.inner.pushManifest(bytes, mediaType, options);
  }

  listTags(options: CallOptions = {}): Promise<string[]> {
    return this.inner.listTags(options);
  }
}
