import { DigestguardError } from "../errors/error.js";
import type { Descriptor, Platform } from "../oci/descriptor.js";
import type { FetchedManifest, ImageManifest } from "../oci/manifest.js";
import { formatPlatform, isAttestationPlatform } from "../oci/platform.js";
import { selectPlatform } from "../oci/select-platform.js";
import type { CallOptions, ContentStore, Target } from "../store/content-store.js";
import { fetchChildManifest } from "./fetch-child-manifest.js";

/** One image (platform) in a walked tree: its manifest and what it lists. */
export interface WalkedImage {
  /** `os/arch[/variant]` from the index entry; undefined for a lone image manifest. */
  platform?: string;
  /** True for BuildKit attestation manifests (`unknown/unknown`). */
  attestation: boolean;
  manifest: FetchedManifest & { manifest: ImageManifest };
  config: Descriptor;
  layers: Descriptor[];
}

/** A whole image tree: the top manifest and every image under it. */
export interface ImageTree {
  root: FetchedManifest;
  images: WalkedImage[];
  /** Children of the index that could not be fetched, with the error (others are still walked). */
  failures: { descriptor: Descriptor; platform?: string; error: DigestguardError }[];
}

/**
 * Fetch a reference's whole descriptor tree: the top manifest and, for an
 * index, every child manifest by digest (each verified against its index
 * entry), or just the one `platform`. Nested indexes are followed. Blobs are
 * listed, not fetched. Features that walk images (verify, pin, mirror) share it.
 *
 * @example
 * ```ts
 * const tree = await walkImage(store, { tag: "1.0" });
 * for (const image of tree.images) console.log(image.platform, image.layers.length);
 * ```
 */
export async function walkImage(
  store: ContentStore,
  target: Target,
  options: CallOptions & { platform?: Platform; what?: string } = {},
): Promise<ImageTree> {
  const root = await store.fetchManifest(target, options);
  const tree: ImageTree = { root, images: [], failures: [] };
  await walkInto(store, root, undefined, tree, options, 0);
  return tree;
}

async function walkInto(
  store: ContentStore,
  fetched: FetchedManifest,
  platform: string | undefined,
  tree: ImageTree,
  options: CallOptions & { platform?: Platform; what?: string },
  depth: number,
): Promise<void> {
  const m = fetched.manifest;
  if (m.kind === "image") {
    tree.images.push({
      platform,
      attestation: platform === "unknown/unknown",
      manifest: fetched as WalkedImage["manifest"],
      config: m.config,
      layers: m.layers,
    });
    return;
  }
  if (depth > 4)
    throw new DigestguardError(
      "MANIFEST_INVALID",
      `Cannot walk ${options.what ?? "the image"}: indexes are nested more than 4 deep.`,
    );
  const children =
    options.platform !== undefined ? [selectPlatform(m, options.platform, options.what ?? "the index")] : m.manifests;
  for (const child of children) {
    const childPlatform = child.platform !== undefined ? formatPlatform(child.platform) : undefined;
    try {
      const childManifest = await fetchChildManifest(store, child, options, { doing: "accept", who: "store" });
      await walkInto(
        store,
        childManifest,
        childPlatform ?? (isAttestationPlatform(child.platform) ? "unknown/unknown" : undefined),
        tree,
        options,
        depth + 1,
      );
    } catch (error) {
      if (!(error instanceof DigestguardError) || error.code === "ABORTED") throw error;
      tree.failures.push({
        descriptor: child,
        ...(childPlatform !== undefined ? { platform: childPlatform } : {}),
        error,
      });
    }
  }
}
