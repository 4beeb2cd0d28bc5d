import type { Readable } from "node:stream";
import type { Descriptor } from "../oci/descriptor.js";
import { blobExistsAtOrigin } from "./blob-read.js";
import type { RepositoryName } from "./client-types.js";
import { originEndpoint } from "./endpoints.js";
import { isBodyRefused, pushBlob, SMALL_CHUNK_BYTES, type PushBlobOptions } from "./push.js";
import type { RequestSender } from "./request-sender.js";

/**
 * Uploads blobs a repository lacks, remembering each registry that refused a
 * whole blob in one body (413, a proxy's body limit) and sending it chunks
 * from then on.
 *
 * @example
 * ```ts
 * const uploader = new BlobUploader(sender);
 * await uploader.push(repo, descriptor, bytes);
 * ```
 */
export class BlobUploader {
  /** Registries that refused a whole blob in one body (413). */
  readonly #chunkOnly = new Set<string>();

  constructor(private readonly sender: RequestSender) {}

  /** Upload a blob unless it already exists; the registry verifies the digest on commit. */
  async push(
    repo: RepositoryName,
    descriptor: Descriptor,
    content: Uint8Array | Readable,
    options: PushBlobOptions = {},
  ): Promise<void> {
    if (await blobExistsAtOrigin(this.sender, repo, descriptor.digest, options.signal)) {
      if (!(content instanceof Uint8Array)) content.destroy();
      return;
    }
    const chunked = this.#chunkOnly.has(repo.registry) ? { monolithicMax: 0, chunkSize: SMALL_CHUNK_BYTES } : {};
    try {
      await pushBlob(this.sender, originEndpoint(repo.registry), repo, descriptor, content, { ...chunked, ...options });
    } catch (error) {
      if (isBodyRefused(error)) this.#chunkOnly.add(repo.registry);
      throw error;
    }
  }
}
