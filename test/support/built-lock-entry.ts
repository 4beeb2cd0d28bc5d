import type { BuiltImage } from "../../src/imagebuild/image.js";
import type { LockedImage } from "../../src/lockfile/lockfile-schema.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { formatPlatform } from "../../src/oci/platform.js";

/**
 * The lockfile entry `digestguard pin` would write for a built image pushed
 * under `reference`: its real index digest and every platform's manifest,
 * config and layers.
 *
 * @example
 * ```ts
 * const lock = lockOf([lockedFromBuilt(`${registry.host}/team/app:1`, image)]);
 * ```
 */
export function lockedFromBuilt(reference: string, image: BuiltImage): LockedImage {
  const platforms = image.manifests
    .filter((m) => m.descriptor.platform !== undefined)
    .map((m) => {
      const manifest = JSON.parse(Buffer.from(m.bytes).toString("utf8")) as {
        config: Descriptor;
        layers: Descriptor[];
      };
      return {
        platform: formatPlatform(m.descriptor.platform as NonNullable<Descriptor["platform"]>),
        manifest: m.descriptor.digest,
        config: manifest.config.digest,
        layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
      };
    });
  return {
    reference,
    tag: reference.slice(reference.lastIndexOf(":") + 1),
    digest: image.root.digest,
    mediaType: image.root.mediaType,
    resolvedAt: "2026-01-02T03:04:05.000Z",
    resolvedFrom: reference.slice(0, reference.indexOf("/")),
    sources: [{ file: "Dockerfile", line: 1, written: reference }],
    platforms,
  };
}
