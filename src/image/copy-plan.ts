import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { FetchedManifest } from "../oci/manifest.js";
import { MediaType } from "../oci/media-types.js";
import type { CallOptions, ContentStore } from "../store/content-store.js";
import { fetchChildManifest } from "./fetch-child-manifest.js";

/** What a copy must move, in the order it must land. */
export interface CopyPlan {
  /** Manifests to push, children before the indexes that list them; the root last. */
  manifests: FetchedManifest[];
  /** Distinct blobs under those manifests. */
  blobs: Descriptor[];
  /** Non-distributable layers left out (they live at their URLs). */
  foreign: Descriptor[];
  /** Child manifests the destination already has (their whole tree is there). */
  presentManifests: number;
}

/**
 * Walk `root` in `source` and list what `destination` lacks. A child
 * manifest the destination already has is skipped with everything under it:
 * a manifest only ever lands after its tree, so its presence proves the
 * tree's. Every child manifest is fetched by digest (verified) and checked
 * against its index entry's size.
 *
 * @example
 * ```ts
 * const plan = await planCopy(source, destination, root, { includeForeign: false });
 * ```
 */
export async function planCopy(
  source: ContentStore,
  destination: ContentStore,
  root: FetchedManifest,
  options: CallOptions & { includeForeign?: boolean } = {},
): Promise<CopyPlan> {
  const plan: CopyPlan = { manifests: [], blobs: [], foreign: [], presentManifests: 0 };
  await planInto(source, destination, root, plan, new Set(), options, 0);
  return plan;
}

async function planInto(
  source: ContentStore,
  destination: ContentStore,
  fetched: FetchedManifest,
  plan: CopyPlan,
  seen: Set<string>,
  options: CallOptions & { includeForeign?: boolean },
  depth: number,
): Promise<void> {
  const m = fetched.manifest;
  if (m.kind === "image") {
    for (const blob of [m.config, ...m.layers]) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      if (isForeign(blob) && options.includeForeign !== true) plan.foreign.push(blob);
      else plan.blobs.push(blob);
    }
  } else {
    if (depth > 4)
      throw new DigestguardError(
        "MANIFEST_INVALID",
        `Cannot copy manifest ${fetched.digest}: indexes are nested more than 4 deep.`,
      );
    for (const child of m.manifests) {
      if (seen.has(child.digest)) continue;
      seen.add(child.digest);
      if (await destination.exists(child, options)) {
        plan.presentManifests++;
        continue;
      }
      const childManifest = await fetchChildManifest(source, child, options, { doing: "copy", who: "source" });
      await planInto(source, destination, childManifest, plan, seen, options, depth + 1);
    }
  }
  plan.manifests.push(fetched);
}

/** Whether a layer is non-distributable: it names URLs to fetch it from, or has a foreign media type. */
export function isForeign(blob: Descriptor): boolean {
  return (
    (blob.urls?.length ?? 0) > 0 ||
    blob.mediaType === MediaType.dockerForeignLayerGzip ||
    blob.mediaType.includes(".nondistributable.")
  );
}
