import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { FetchedManifest } from "../oci/manifest.js";
import type { CallOptions, ContentStore } from "../store/content-store.js";

/**
 * Fetch the manifest an index entry points to, by its digest (so the store
 * checks the bytes' digest), and hold it to the entry's size too: an index
 * that says one size while the store serves another is not trusted, whoever
 * walks it — verify, pin, diagnose or a copy.
 *
 * @example
 * ```ts
 * const child = await fetchChildManifest(store, index.manifests[0], { signal }, { doing: "accept", who: "store" });
 * ```
 */
export async function fetchChildManifest(
  store: ContentStore,
  child: Descriptor,
  options: CallOptions,
  words: { doing: string; who: string },
): Promise<FetchedManifest> {
  const fetched = await store.fetchManifest({ digest: child.digest }, options);
  if (fetched.size !== child.size) {
    throw new DigestguardError(
      "SIZE_MISMATCH",
      `Cannot ${words.doing} manifest ${child.digest}: the index says ${child.size} bytes, the ${words.who} served ${fetched.size}.`,
      { details: { expectedDigest: child.digest, expectedSize: child.size, received: fetched.size } },
    );
  }
  return fetched;
}
