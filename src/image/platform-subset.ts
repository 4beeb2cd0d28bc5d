import type { Platform } from "../oci/descriptor.js";
import { parseManifest, type FetchedManifest } from "../oci/manifest.js";
import { selectPlatform } from "../oci/select-platform.js";

// BuildKit ties an attestation manifest to the image it describes with this annotation.
const ATTESTS = "vnd.docker.reference.digest";

/**
 * A new index that lists only `platforms` of `root` (and the attestations of
 * those images), every other field kept as it was. Its bytes are new, so its
 * digest differs from the original's — callers must say so and never store
 * it under the original digest. Each wanted platform must be present
 * (`PLATFORM_NOT_FOUND` otherwise). A lone image manifest is returned as is.
 *
 * @example
 * ```ts
 * const subset = platformSubset(root, [parsePlatform("linux/amd64")], "alpine:3.19");
 * subset.digest !== root.digest; // true when platforms were dropped
 * ```
 */
export function platformSubset(root: FetchedManifest, platforms: readonly Platform[], what: string): FetchedManifest {
  const index = root.manifest;
  if (index.kind !== "index") return root;
  const chosen = new Set(platforms.map((platform) => selectPlatform(index, platform, what).digest as string));
  const keep = index.manifests.map(
    (entry) => chosen.has(entry.digest) || chosen.has(entry.annotations?.[ATTESTS] ?? ""),
  );
  if (keep.every(Boolean)) return root;
  const document = JSON.parse(new TextDecoder().decode(root.bytes)) as { manifests: unknown[] };
  // The raw entries are kept (not re-serialised descriptors), so unknown fields survive.
  document.manifests = document.manifests.filter((_, i) => keep[i]);
  return parseManifest(new TextEncoder().encode(JSON.stringify(document)), { contentType: root.mediaType });
}
