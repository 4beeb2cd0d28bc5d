import { digestOf, type Digest } from "../../src/oci/digest.js";
import type { LockedImage, LockedPlatform, Lockfile } from "../../src/lockfile/lockfile-schema.js";

/** A valid sha256 digest made from a seed, so tests can write `d("amd64-config")`. */
export function d(seed: string): Digest {
  return digestOf(seed);
}

/**
 * One locked platform with `layers` layers whose digests derive from
 * `seed`; the same seed gives the same digests.
 *
 * @example
 * ```ts
 * lockedPlatform("linux/amd64", "v1", 2);
 * ```
 */
export function lockedPlatform(platform: string, seed: string, layers = 2): LockedPlatform {
  return {
    platform,
    manifest: d(`${platform}-${seed}-manifest`),
    config: d(`${platform}-${seed}-config`),
    layers: Array.from({ length: layers }, (_, i) => ({
      digest: d(`${platform}-${seed}-layer${i}`),
      size: 100 + i,
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      diffId: d(`${platform}-${seed}-diff${i}`),
    })),
  };
}

/**
 * A locked image entry for `reference` (registry/repository:tag) with the
 * given platforms; its digest derives from the platforms' manifests, so two
 * entries with the same platforms share a digest.
 *
 * @example
 * ```ts
 * lockedImage("127.0.0.1:5000/team/app:1", [lockedPlatform("linux/amd64", "v1")]);
 * ```
 */
export function lockedImage(
  reference: string,
  platforms: LockedPlatform[],
  extra: Partial<LockedImage> = {},
): LockedImage {
  const tag = reference.slice(reference.lastIndexOf(":") + 1);
  return {
    reference,
    tag,
    digest: d(`index-${platforms.map((p) => p.manifest).join(",")}`),
    mediaType: "application/vnd.oci.image.index.v1+json",
    resolvedAt: "2026-01-02T03:04:05.000Z",
    resolvedFrom: reference.slice(0, reference.indexOf("/")),
    sources: [{ file: "Dockerfile", line: 1, written: reference }],
    platforms,
    ...extra,
  };
}

/** A lockfile holding `images`. */
export function lockOf(images: LockedImage[]): Lockfile {
  return { lockfileVersion: 1, images };
}
