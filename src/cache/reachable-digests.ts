import { isAborted } from "../errors/predicates.js";
import { walkImage } from "../image/walk-image.js";
import { CacheStore } from "../store/cache/cache-store.js";
import type { ContentCache } from "../store/cache/content-cache.js";
import { readRefs } from "../store/cache/cache-refs.js";

/**
 * Every digest that a cached reference reaches: its manifests, configs and
 * layers. What is not in this set is unreferenced and may be pruned. A
 * reference whose manifests are missing or damaged reaches nothing more.
 *
 * @example
 * ```ts
 * const keep = await reachableDigests(cache);
 * ```
 */
export async function reachableDigests(
  cache: ContentCache,
  options: { signal?: AbortSignal } = {},
): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const [reference, ref] of Object.entries((await readRefs(cache.root)).refs)) {
    const repository = reference.slice(0, reference.lastIndexOf(":"));
    try {
      const tree = await walkImage(new CacheStore(cache, repository), { digest: ref.digest as never }, options);
      keep.add(tree.root.digest);
      for (const image of tree.images) {
        keep.add(image.manifest.digest);
        keep.add(image.config.digest);
        for (const layer of image.layers) keep.add(layer.digest);
      }
    } catch (error) {
      if (isAborted(error)) throw error;
    }
  }
  return keep;
}
