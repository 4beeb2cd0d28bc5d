import type { Readable } from "node:stream";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { blobExistsAtOrigin, openBlobAt, type OpenedBlob } from "./blob-read.js";
import { BlobUploader } from "./blob-upload.js";
import type {
  ManifestTarget,
  ReadOptions,
  RegistryClientOptions,
  RegistryManifest,
  RepositoryName,
} from "./client-types.js";
import { wireClient } from "./client-wiring.js";
import { originEndpoint, type Endpoint } from "./endpoints.js";
import type { HttpTransport } from "./http-transport.js";
import { fetchManifestAt, resolveManifestAt, type ResolvedManifest } from "./manifest-read.js";
import { readThroughMirrors } from "./mirror-fallback.js";
import { mountBlob, pushManifest, type PushBlobOptions } from "./push.js";
import { listReferrers, type ReferrersAnswer } from "./referrers.js";
import type { RequestSender, RequestStats } from "./request-sender.js";
import { listTags } from "./tag-list.js";

export type { ManifestTarget, ReadOptions, RegistryClientOptions, RegistryManifest, RepositoryName };

/**
 * Talks the distribution API to registries: resolve, fetch manifests and
 * blobs (verified), check existence, push, list tags. Reads go through the
 * configured mirrors first, then the registry.
 *
 * @example
 * ```ts
 * const client = new RegistryClient();
 * const repo = { registry: "127.0.0.1:5000", repository: "app" };
 * const desc = await client.resolve(repo, { tag: "1.0" });
 * await client.close();
 * ```
 */
export class RegistryClient {
  readonly #http: HttpTransport;
  readonly #sender: RequestSender;
  readonly #mirrors: Record<string, string[]>;
  readonly #uploader: BlobUploader;

  constructor(options: RegistryClientOptions = {}) {
    const { http, sender } = wireClient(options);
    this.#http = http;
    this.#sender = sender;
    this.#mirrors = options.mirrors ?? {};
    this.#uploader = new BlobUploader(sender);
  }

  /** Requests sent so far, by kind. */
  get stats(): RequestStats {
    return this.#sender.stats;
  }

  /**
   * What a tag or digest points to, by HEAD. Falls back to GET only when the
   * registry gives no digest header (then the digest is computed from the bytes).
   */
  resolve(repo: RepositoryName, target: ManifestTarget, options: ReadOptions = {}): Promise<ResolvedManifest> {
    return this.#read(repo, options, (endpoint) =>
      resolveManifestAt(this.#sender, endpoint, repo, target, options.signal),
    );
  }

  /** The manifest at `target`: exact bytes, digest computed over them, parsed and validated. */
  getManifest(repo: RepositoryName, target: ManifestTarget, options: ReadOptions = {}): Promise<RegistryManifest> {
    return this.#read(repo, options, (endpoint) =>
      fetchManifestAt(this.#sender, endpoint, repo, target, options.signal),
    );
  }

  /**
   * The blob's raw bytes from `offset` on (an HTTP Range request), NOT
   * verified: the store's verified read (`readVerifiedBlob`) checks them.
   * `offset` in the result is where the bytes really start — 0 when the
   * registry ignored the Range and sent everything.
   */
  openBlob(
    repo: RepositoryName,
    descriptor: Descriptor,
    options: ReadOptions & { offset?: number } = {},
  ): Promise<OpenedBlob> {
    return this.#read(repo, options, (endpoint) =>
      openBlobAt(this.#sender, endpoint, repo, descriptor, options.offset ?? 0, options.signal),
    );
  }

  /** Whether the blob exists in the repository (HEAD). */
  blobExists(repo: RepositoryName, digest: Digest, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return blobExistsAtOrigin(this.#sender, repo, digest, options.signal);
  }

  /** Upload a blob unless it already exists; the registry verifies the digest on commit. */
  pushBlob(
    repo: RepositoryName,
    descriptor: Descriptor,
    content: Uint8Array | Readable,
    options: PushBlobOptions = {},
  ): Promise<void> {
    return this.#uploader.push(repo, descriptor, content, options);
  }

  /** Mount a blob from another repository of the same registry; false when the registry would not. */
  mountBlob(
    repo: RepositoryName,
    digest: Digest,
    fromRepository: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<boolean> {
    return mountBlob(this.#sender, originEndpoint(repo.registry), repo, digest, fromRepository, options.signal);
  }

  /** Upload a manifest's exact bytes under a tag or its digest. */
  pushManifest(
    repo: RepositoryName,
    bytes: Uint8Array,
    mediaType: string,
    options: { tag?: string; signal?: AbortSignal } = {},
  ): Promise<Descriptor> {
    return pushManifest(this.#sender, originEndpoint(repo.registry), repo, bytes, mediaType, options);
  }

  /** Every tag of the repository, following `Link` pagination. */
  listTags(repo: RepositoryName, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    return this.#read(repo, {}, (endpoint) => listTags(this.#sender, endpoint, repo, options));
  }

  /**
   * The manifests whose `subject` is `digest`, by the OCI referrers API;
   * `undefined` when the registry has no such API (use the `sha256-<hex>` tag then).
   */
  listReferrers(
    repo: RepositoryName,
    digest: Digest,
    options: ReadOptions & { artifactType?: string } = {},
  ): Promise<ReferrersAnswer | undefined> {
    return this.#read(repo, options, (endpoint) => listReferrers(this.#sender, endpoint, repo, digest, options));
  }

  /** Whether reads of `registry` go through mirrors first. */
  hasMirrors(registry: string): boolean {
    return (this.#mirrors[registry] ?? []).length > 0;
  }

  /** Close pooled connections. */
  close(): Promise<void> {
    return this.#http.close();
  }

  #read<T>(repo: RepositoryName, options: ReadOptions, operation: (endpoint: Endpoint) => Promise<T>): Promise<T> {
    return readThroughMirrors(repo, this.#mirrors, options, operation);
  }
}
