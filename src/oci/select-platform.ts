import { DigestguardError } from "../errors/error.js";
import type { Descriptor, Platform } from "./descriptor.js";
import type { ImageIndex } from "./manifest.js";
import { formatPlatform, isAttestationPlatform, platformMatches } from "./platform.js";

/**
 * The index entry for `wanted`, matched as containerd does (normalized
 * architecture, default variants). Attestation entries never match. An
 * absent platform is a PLATFORM_NOT_FOUND error listing what the index has.
 *
 * @example
 * ```ts
 * const child = selectPlatform(index, parsePlatform("linux/arm64"), "app:1");
 * ```
 */
export function selectPlatform(index: ImageIndex, wanted: Platform, what: string): Descriptor {
  const found = index.manifests.find(
    (entry) =>
      entry.platform !== undefined && !isAttestationPlatform(entry.platform) && platformMatches(wanted, entry.platform),
  );
  if (found !== undefined) return found;
  const available = imagePlatforms(index).map(formatPlatform);
  throw new DigestguardError(
    "PLATFORM_NOT_FOUND",
    `Cannot find platform ${formatPlatform(wanted)} in ${what}: it has ${available.length > 0 ? available.join(", ") : "no platform entries"}.`,
    { details: { available } },
  );
}

/** The platforms an index offers images for, attestations left out. */
export function imagePlatforms(index: ImageIndex): Platform[] {
  return index.manifests.flatMap((entry) =>
    entry.platform !== undefined && !isAttestationPlatform(entry.platform) ? [entry.platform] : [],
  );
}
