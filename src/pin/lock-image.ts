import { DigestguardError } from "../errors/error.js";
import type { Platform } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { formatPlatform } from "../oci/platform.js";
import type { LockedImage, LockedPlatform, LockedSource } from "../lockfile/lockfile-schema.js";
import type { ContentStore, Target } from "../store/content-store.js";
import { readImageConfig } from "../image/read-image-config.js";
import { walkImage } from "../image/walk-image.js";

/** What to lock: where the image lives and how it was written. */
export interface LockRequest {
  store: ContentStore;
  /** Canonical reference (registry/repository[:tag][@digest]). */
  reference: string;
  target: Target;
  /** Pin this platform's manifest instead of the index. */
  platform?: Platform;
  sources: LockedSource[];
  signal?: AbortSignal;
}

/**
 * Resolve a reference once and record its whole digest tree: the digest to
 * pin (the index, or with `platform` that platform's manifest), and per
 * platform the manifest, the config and every layer's digest, size and
 * diff_id. The top manifest is fetched by tag in one GET, so its digest is
 * computed from the bytes; attestation manifests are left out.
 *
 * @example
 * ```ts
 * const entry = await lockImage({ store, reference: "docker.io/library/ruby:3.3-slim", target: { tag: "3.3-slim" }, sources });
 * ```
 */
export async function lockImage(request: LockRequest): Promise<LockedImage> {
  const tree = await walkImage(request.store, request.target, {
    platform: request.platform,
    what: request.reference,
    signal: request.signal,
  });
  const failure = tree.failures[0];
  if (failure !== undefined) throw failure.error;
  const platforms: LockedPlatform[] = [];
  for (const image of tree.images) {
    if (image.attestation) continue;
    const config = await readImageConfig(request.store, image.config, { signal: request.signal });
    const platform =
      image.platform ??
      formatPlatform({
        os: config.os,
        architecture: config.architecture,
        ...(config.variant ? { variant: config.variant } : {}),
      });
    platforms.push({
      platform,
      manifest: image.manifest.digest,
      config: image.config.digest,
      layers: image.layers.map((layer, i) => ({
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType,
        ...(config.rootfs.diff_ids[i] ? { diffId: config.rootfs.diff_ids[i] } : {}),
      })),
    });
  }
  const pinned = pinnedManifest(tree, request);
  return {
    reference: request.reference,
    ...(request.target.tag !== undefined ? { tag: request.target.tag } : {}),
    digest: pinned.digest,
    mediaType: pinned.mediaType,
    ...(request.platform !== undefined && tree.root.manifest.kind === "index"
      ? { platform: platforms[0]?.platform ?? formatPlatform(request.platform) }
      : {}),
    resolvedAt: new Date().toISOString(),
    resolvedFrom: (tree.root as { source?: string }).source ?? request.store.location,
    sources: request.sources,
    platforms,
  };
}

function pinnedManifest(
  tree: Awaited<ReturnType<typeof walkImage>>,
  request: LockRequest,
): { digest: Digest; mediaType: string } {
  if (request.platform === undefined || tree.root.manifest.kind === "image")
    return { digest: tree.root.digest, mediaType: tree.root.mediaType };
  const image = tree.images[0];
  if (image === undefined)
    throw new DigestguardError(
      "PLATFORM_NOT_FOUND",
      `Cannot pin ${request.reference} for ${formatPlatform(request.platform)}: the index has no such image.`,
    );
  return { digest: image.manifest.digest, mediaType: image.manifest.mediaType };
}
