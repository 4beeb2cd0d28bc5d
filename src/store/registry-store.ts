import type { Readable } from "node:stream";
import { isNotFound } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { isManifestMediaType } from "../oci/media-types.js";
import type { FetchedManifest } from "../oci/manifest.js";
import type { RegistryClient, RepositoryName } from "../registry/registry-client.js";
import type { Answered, BlobReadOptions, CallOptions, ContentStore, Target } from "./content-store.js";
import { openVerifiedBlob } from "./verified-read.js";

/**
 * A registry repository seen as a {@link ContentStore}: the same calls that
 * read an OCI layout folder read `docker://` locations.
 *
 * @example
 * ```ts
 * const store = new RegistryStore(new RegistryClient(), { registry: "127.0.0.1:5000", repository: "app" });
 * const manifest = await store.fetchManifest({ tag: "1.0" });
 * ```
 */
export class RegistryStore implements ContentStore {
  readonly location: string;
  readonly #answered = new Map<string, boolean>();
  readonly #originOnly: boolean;

  constructor(
    readonly client: RegistryClient,
    readonly repo: RepositoryName,
    options: { originOnly?: boolean } = {},
  ) {
    this.location = `docker://${repo.registry}/${repo.repository}`;
    this.#originOnly = options.originOnly ?? false;
  }

  async resolve(target: Target, options: CallOptions = {}): Promise<Descriptor & Answered> {
    return this.#note(await this.client.resolve(this.repo, target, { ...options, originOnly: this.#originOnly }));
  }

  async fetchManifest(target: Target, options: CallOptions = {}): Promise<FetchedManifest & Answered> {
    return this.#note(await this.client.getManifest(this.repo, target, { ...options, originOnly: this.#originOnly }));
  }

  answeredBy(): { source: string; mirror: boolean }[] {
    return [...this.#answered].map(([source, mirror]) => ({ source, mirror }));
  }

  get origin(): (() => ContentStore) | undefined {
    if (this.#originOnly || !this.client.hasMirrors(this.repo.registry)) return undefined;
    return () => new RegistryStore(this.client, this.repo, { originOnly: true });
  }

  #note<T extends { source: string; mirror: boolean }>(answer: T): T {
    this.#answered.set(answer.source, answer.mirror);
    return answer;
  }

  async fetchBlob(descriptor: Descriptor, options: BlobReadOptions = {}): Promise<Readable> {
    return openVerifiedBlob(this, descriptor, options);
  }

  async openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options: CallOptions = {},
  ): Promise<{ stream: Readable; offset: number }> {
    return this.#note(
      await this.client.openBlob(this.repo, descriptor, { ...options, offset, originOnly: this.#originOnly }),
    );
  }

  async exists(descriptor: Descriptor, options: CallOptions = {}): Promise<boolean> {
    if (!isManifestMediaType(descriptor.mediaType))
      return this.client.blobExists(this.repo, descriptor.digest, options);
    // Registries keep manifests apart from blobs: a manifest is only found under /manifests/.
    try {
      await this.client.resolve(this.repo, { digest: descriptor.digest }, options);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  pushBlob(descriptor: Descriptor, content: Readable | Uint8Array, options: CallOptions = {}): Promise<void> {
    return this.client.pushBlob(this.repo, descriptor, content, options);
  }

  /** A cross-repository mount, when `from` is another repository of this store's registry. */
  async mountBlob(descriptor: Descriptor, from: ContentStore, options: CallOptions = {}): Promise<boolean> {
    if (
      !(from instanceof RegistryStore) ||
      from.repo.registry !== this.repo.registry ||
      from.repo.repository === this.repo.repository
    )
      return false;
    return this.client.mountBlob(this.repo, descriptor.digest, from.repo.repository, options);
  }

  pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions & { tag?: string } = {},
  ): Promise<Descriptor> {
    return this.client.pushManifest(this.repo, bytes, mediaType, options);
  }

  async listReferrers(digest: Digest, options: CallOptions = {}): Promise<Descriptor[] | undefined> {
    const answer = await this.client.listReferrers(this.repo, digest, { ...options, originOnly: this.#originOnly });
    return answer?.manifests;
  }

  listTags(options: CallOptions = {}): Promise<string[]> {
    return this.client.listTags(this.repo, options);
  }
}
