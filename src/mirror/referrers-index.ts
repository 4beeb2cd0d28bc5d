import { DigestguardError } from "../errors/error.js";
import { isNotFound } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import type { CallOptions, ContentStore } from "../store/content-store.js";
import { referrersFallbackTag } from "./referrer-tags.js";

/** What {@link recordReferrers} did at the destination. */
export type RecordOutcome = "indexed-by-registry" | "up-to-date" | "written";

/**
 * Make the referrers of `subject` findable at the destination, after they
 * were pushed there. A destination with the referrers API indexes them itself
 * (it read their `subject`); one without it gets the fallback tag
 * `sha256-<hex>`, an image index of their descriptors, merged with the entries
 * already there (none is ever dropped) and written only when something is new.
 *
 * @example
 * ```ts
 * await recordReferrers(destination, subjectDigest, [signatureDescriptor], { signal });
 * ```
 */
export async function recordReferrers(
  destination: ContentStore,
  subject: Digest,
  referrers: readonly Descriptor[],
  options: CallOptions = {},
): Promise<RecordOutcome> {
  if ((await destination.listReferrers?.(subject, options)) !== undefined) return "indexed-by-registry";
  const tag = referrersFallbackTag(subject);
  const existing = await existingEntries(destination, tag, options);
  const known = new Set(existing.map((d) => d.digest));
  const added = referrers.filter((d) => !known.has(d.digest) && known.add(d.digest));
  if (added.length === 0) return "up-to-date";
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...existing, ...added] };
  await destination.pushManifest(new TextEncoder().encode(JSON.stringify(index)), MediaType.ociIndex, {
    ...options,
    tag,
  });
  return "written";
}

/**
 * The descriptor a referrers index lists for a referrer: what was copied
 * (media type, digest and size of the exact bytes) and, from the listing, its
 * `artifactType` and `annotations`.
 *
 * @example
 * ```ts
 * referrerEntry(result.source, listed); // { mediaType, digest, size, artifactType }
 * ```
 */
export function referrerEntry(copied: Descriptor, listed: Descriptor): Descriptor {
  return {
    mediaType: copied.mediaType,
    digest: copied.digest,
    size: copied.size,
    ...(listed.artifactType === undefined ? {} : { artifactType: listed.artifactType }),
    ...(listed.annotations === undefined ? {} : { annotations: listed.annotations }),
  };
}

async function existingEntries(destination: ContentStore, tag: string, options: CallOptions): Promise<Descriptor[]> {
  try {
    const found = await destination.fetchManifest({ tag }, options);
    if (found.manifest.kind === "index") return found.manifest.manifests;
    throw new DigestguardError(
      "USAGE",
      `Cannot record referrers under ${destination.location}:${tag}: that tag holds an image, not a referrers index; remove or rename it, then mirror again.`,
    );
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
