import type { ContentCache } from "../cache/content-cache.js";
import type { Descriptor } from "../oci/descriptor.js";
import { MAX_IMAGE_CONFIG_BYTES, parseImageConfig, type ImageConfig } from "../oci/image-config.js";
import { DigestguardError } from "../errors/error.js";
import type { ContentStore } from "./content-store.js";
import { resumableBlobStream } from "./resumable-blob-stream.js";

/**
 * Fetch an image's config blob whole (it is small and capped), proven
 * against its descriptor, and parse it; with a cache, commit it there too.
 *
 * @example
 * ```ts
 * const config = await readImageConfig(store, manifest.config, { signal });
 * config.rootfs.diff_ids;
 * ```
 */
export async function readImageConfig(
  store: ContentStore,
  descriptor: Descriptor,
  options: { cache?: ContentCache; signal?: AbortSignal } = {},
): Promise<ImageConfig> {
  if (descriptor.size > MAX_IMAGE_CONFIG_BYTES) {
    throw new DigestguardError("MANIFEST_TOO_LARGE", `Cannot read config ${descriptor.digest}: it declares ${descriptor.size} bytes, over the ${MAX_IMAGE_CONFIG_BYTES}-byte limit.`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of resumableBlobStream(store, descriptor, { signal: options.signal }) as AsyncIterable<Buffer>) chunks.push(chunk);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  await options.cache?.putBytes(descriptor, bytes, options);
  return parseImageConfig(bytes);
}
