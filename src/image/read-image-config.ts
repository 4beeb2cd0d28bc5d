import type { Descriptor } from "../oci/descriptor.js";
import { MAX_IMAGE_CONFIG_BYTES, parseImageConfig, type ImageConfig } from "../oci/image-config.js";
import { DigestguardError } from "../errors/error.js";
import type { ContentStore } from "../store/content-store.js";

/**
 * Fetch an image's config blob whole (it is small and capped), proven
 * against its descriptor by the store's verified read, and parse it.
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
  options: { signal?: AbortSignal } = {},
): Promise<ImageConfig> {
  if (descriptor.size > MAX_IMAGE_CONFIG_BYTES) {
    throw new DigestguardError(
      "MANIFEST_TOO_LARGE",
      `Cannot read config ${descriptor.digest}: it declares ${descriptor.size} bytes, over the ${MAX_IMAGE_CONFIG_BYTES}-byte limit.`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.fetchBlob(descriptor, { signal: options.signal })) as AsyncIterable<Buffer>)
    chunks.push(chunk);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  return parseImageConfig(bytes);
}
