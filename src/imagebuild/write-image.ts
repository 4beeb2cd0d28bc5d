import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { ContentStore } from "../store/content-store.js";
import type { BuiltImage } from "./image.js";

/** Options for {@link writeImage}. */
export interface WriteImageOptions {
  /** Tags to point at the root manifest; none writes the image by digest only. */
  tags?: string[];
  signal?: AbortSignal;
}

/**
 * Store a built image in any {@link ContentStore}: first every config and
 * layer (skipping those already present), then the child manifests, then
 * the root under each tag. A manifest is pushed only after everything under
 * it is present, so a reader that sees a tag always finds a whole image.
 * Returns the root descriptor as the store reports it.
 *
 * @example
 * ```ts
 * const store = await OciLayoutStore.open(dir, { create: true });
 * await writeImage(store, await buildImage(spec), { tags: ["base"], signal });
 * ```
 */
export async function writeImage(
  store: ContentStore,
  image: BuiltImage,
  options: WriteImageOptions = {},
): Promise<Descriptor> {
  const { signal } = options;
  for (const blob of image.blobs) {
    if (!(await store.exists(blob.descriptor, { signal })))
      await store.pushBlob(blob.descriptor, blob.bytes, { signal });
  }
  const root = image.manifests.at(-1);
  if (root === undefined || root.descriptor.digest !== image.root.digest) {
    throw new DigestguardError(
      "USAGE",
      "Cannot write the image: its last manifest must be its root; build it with buildImage.",
    );
  }
  for (const child of image.manifests.slice(0, -1)) {
    if (!(await store.exists(child.descriptor, { signal }))) {
      await store.pushManifest(child.bytes, child.descriptor.mediaType, { signal });
    }
  }
  const tags = options.tags ?? [];
  if (tags.length === 0) return store.pushManifest(root.bytes, root.descriptor.mediaType, { signal });
  let pushed: Descriptor | undefined;
  for (const tag of tags) pushed = await store.pushManifest(root.bytes, root.descriptor.mediaType, { signal, tag });
  return pushed as Descriptor;
}
