import { isAborted } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";
import type { ContentStore } from "../store/content-store.js";
import { readImageConfig } from "../image/read-image-config.js";
import { walkImage } from "../image/walk-image.js";

/** Where a digest from an error text belongs. */
export interface DigestLocation {
  /** The image reference it was found in. */
  reference: string;
  platform?: string;
  role: "index" | "manifest" | "config" | "layer";
  layerIndex?: number;
  /** The blob or manifest descriptor (for a diff_id: the compressed layer it belongs to). */
  descriptor: Descriptor;
  /** True when the digest is a layer's diff_id rather than the blob digest. */
  viaDiffId: boolean;
  /** The digest that was looked for and found (a blob digest, or the config's diff_id). */
  matchedDigest: Digest;
  /** Where the location came from: the lockfile (offline) or a walk of the image in its registry. */
  foundIn: "lockfile" | "registry";
}

/**
 * Find the digest in the lockfile's digest trees, offline: manifests,
 * configs, layers and diff_ids of every pinned image.
 *
 * @example
 * ```ts
 * locateInLockfile(lock, "sha256:98d1…"); // { reference: "docker.io/library/ruby:3.3-slim", platform: "linux/amd64", role: "layer", layerIndex: 3, … }
 * ```
 */
export function locateInLockfile(lock: Lockfile, digest: Digest): DigestLocation | undefined {
  for (const image of lock.images) {
    if (image.digest === digest) {
      return {
        reference: image.reference,
        role: image.platforms.length > 1 && image.platform === undefined ? "index" : "manifest",
        descriptor: { mediaType: image.mediaType, digest, size: 0 },
        viaDiffId: false,
        matchedDigest: digest,
        foundIn: "lockfile",
      };
    }
    for (const p of image.platforms) {
      const base = {
        reference: image.reference,
        platform: p.platform,
        viaDiffId: false,
        matchedDigest: digest,
        foundIn: "lockfile" as const,
      };
      if (p.manifest === digest) return { ...base, role: "manifest", descriptor: { mediaType: "", digest, size: 0 } };
      if (p.config === digest) return { ...base, role: "config", descriptor: { mediaType: "", digest, size: 0 } };
      const index = p.layers.findIndex((l) => l.digest === digest || l.diffId === digest);
      const layer = p.layers[index];
      if (layer !== undefined) {
        return {
          ...base,
          role: "layer",
          layerIndex: index,
          descriptor: { mediaType: layer.mediaType, digest: layer.digest as Digest, size: layer.size },
          viaDiffId: layer.digest !== digest,
        };
      }
    }
  }
  return undefined;
}

/**
 * Find the digest by walking an image in its store: every platform's
 * manifest, config and layers — and, when `diffIds` is set, each config's
 * diff_ids (one config fetch per platform).
 *
 * @example
 * ```ts
 * const where = await locateInImage(store, { tag: "3.3-slim" }, "docker.io/library/ruby:3.3-slim", digest, {});
 * ```
 */
export async function locateInImage(
  store: ContentStore,
  target: { tag?: string; digest?: Digest },
  reference: string,
  digest: Digest,
  options: { diffIds?: boolean; signal?: AbortSignal },
): Promise<DigestLocation | undefined> {
  const tree = await walkImage(store, target, { signal: options.signal, what: reference });
  const base = { reference, viaDiffId: false, matchedDigest: digest, foundIn: "registry" as const };
  if (tree.root.digest === digest) {
    return {
      ...base,
      role: tree.root.manifest.kind === "index" ? "index" : "manifest",
      descriptor: { mediaType: tree.root.mediaType, digest, size: tree.root.size },
    };
  }
  for (const image of tree.images) {
    const at = { ...base, ...(image.platform ? { platform: image.platform } : {}) };
    if (image.manifest.digest === digest)
      return {
        ...at,
        role: "manifest",
        descriptor: { mediaType: image.manifest.mediaType, digest, size: image.manifest.size },
      };
    if (image.config.digest === digest) return { ...at, role: "config", descriptor: image.config };
    const index = image.layers.findIndex((l) => l.digest === digest);
    if (index >= 0) return { ...at, role: "layer", layerIndex: index, descriptor: image.layers[index] as Descriptor };
    if (options.diffIds) {
      const config = await readImageConfig(store, image.config, options).catch((error: unknown) => {
        if (isAborted(error)) throw error;
        return undefined;
      });
      const diffIndex = config?.rootfs.diff_ids.indexOf(digest) ?? -1;
      const layer = image.layers[diffIndex];
      if (layer !== undefined)
        return { ...at, role: "layer", layerIndex: diffIndex, descriptor: layer, viaDiffId: true };
    }
  }
  return undefined;
}
