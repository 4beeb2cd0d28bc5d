import type { Sighting } from "../history/history-store.js";
import type { FetchedManifest } from "../oci/manifest.js";
import { formatPlatform, isAttestationPlatform } from "../oci/platform.js";

/**
 * What a fetched manifest says a tag holds: its digest and, for an index,
 * each real platform's manifest digest (attestation entries left out, so
 * adding one is churn, not a platform).
 *
 * @example
 * ```ts
 * sightingOf(await store.fetchManifest({ digest })); // { digest, mediaType, platforms: [{ platform: "linux/amd64", digest }] }
 * ```
 */
export function sightingOf(fetched: FetchedManifest): Sighting {
  const { manifest } = fetched;
  const platforms =
    manifest.kind !== "index"
      ? []
      : manifest.manifests
          .filter((m) => m.platform !== undefined && !isAttestationPlatform(m.platform))
          .map((m) => ({
            platform: formatPlatform(m.platform as NonNullable<typeof m.platform>),
            digest: m.digest as string,
          }));
  return { digest: fetched.digest, mediaType: fetched.mediaType, platforms };
}
