import { DigestguardError } from "../../src/errors/error.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { digestOf, type Digest } from "../../src/oci/digest.js";
import { parseManifest, type FetchedManifest } from "../../src/oci/manifest.js";
import type { CallOptions, ContentStore, Target } from "../../src/store/content-store.js";

/** A manifest put together in a test: exact bytes and the descriptor naming them. */
export interface TestManifest {
  bytes: Uint8Array;
  descriptor: Descriptor;
}

/** `value` as JSON bytes, with its descriptor. */
export function testManifest(mediaType: string, value: unknown): TestManifest {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return { bytes, descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length } };
}

/**
 * A {@link ContentStore} that only serves manifests, from memory, the way a
 * registry would (verified by digest when asked by digest); for walking
 * descriptor trees in unit tests. `serve` overrides what a digest returns,
 * and `fail` makes a digest fail, to play a misbehaving source.
 *
 * @example
 * ```ts
 * const store = new MemoryManifestStore().add(child).add(index, "1.0");
 * ```
 */
export class MemoryManifestStore implements ContentStore {
  readonly location = "memory:";
  readonly #manifests = new Map<string, Uint8Array>();
  readonly #tags = new Map<string, string>();
  /** Digests asked for, in order. */
  readonly fetched: string[] = [];
  readonly serve = new Map<string, Uint8Array>();
  readonly fail = new Map<string, Error>();

  add(manifest: TestManifest, tag?: string): this {
    this.#manifests.set(manifest.descriptor.digest, manifest.bytes);
    if (tag !== undefined) this.#tags.set(tag, manifest.descriptor.digest);
    return this;
  }

  async fetchManifest(target: Target, _options: CallOptions = {}): Promise<FetchedManifest> {
    const digest = target.digest ?? this.#tags.get(target.tag ?? "");
    if (digest !== undefined) this.fetched.push(digest);
    const failure = digest === undefined ? undefined : this.fail.get(digest);
    if (failure !== undefined) throw failure;
    const bytes = digest === undefined ? undefined : (this.serve.get(digest) ?? this.#manifests.get(digest));
    if (bytes === undefined)
      throw new DigestguardError("MANIFEST_UNKNOWN", `Cannot find manifest ${digest ?? target.tag} in memory.`);
    return parseManifest(bytes, target.digest === undefined ? {} : { expectedDigest: target.digest as Digest });
  }

  async resolve(target: Target): Promise<Descriptor> {
    const fetched = await this.fetchManifest(target);
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size };
  }

  fetchBlob(): never {
    throw new DigestguardError("UNSUPPORTED", "Cannot fetch blobs: the memory store holds manifests only.");
  }

  openBlobAt(): never {
    return this.fetchBlob();
  }

  async exists(descriptor: Descriptor): Promise<boolean> {
    return this.#manifests.has(descriptor.digest);
  }

  async pushBlob(): Promise<void> {
    this.fetchBlob();
  }

  async pushManifest(bytes: Uint8Array, mediaType: string, options: { tag?: string } = {}): Promise<Descriptor> {
    const manifest = testManifest(mediaType, JSON.parse(new TextDecoder().decode(bytes)));
    this.add(
      { bytes, descriptor: { ...manifest.descriptor, digest: digestOf(bytes), size: bytes.length } },
      options.tag,
    );
    return { mediaType, digest: digestOf(bytes), size: bytes.length };
  }

  async listTags(): Promise<string[]> {
    return [...this.#tags.keys()];
  }
}
