import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import type { CallOptions, ContentStore, Target } from "../store/content-store.js";
import { failedItem, type MirrorItem } from "./mirror-report.js";
import { recordReferrers, referrerEntry } from "./referrers-index.js";
import { cosignTags, referrersFallbackTag } from "./referrer-tags.js";

/** Referrers of referrers followed at most this deep (a signature of an SBOM of an image is 2). */
export const MAX_REFERRER_DEPTH = 4;
/** Referrers copied for one image at most, over every level. */
export const MAX_REFERRERS_PER_IMAGE = 1000;

/** What {@link mirrorReferrers} needs from the mirror run. */
export interface ReferrerRun extends CallOptions {
  source: ContentStore;
  destination: ContentStore;
  /** Copy one image (by tag or digest) and report it. */
  copy(from: Target, to: Target): Promise<MirrorItem>;
  /** The source's tags, listed once per run. */
  sourceTags(): Promise<string[]>;
  /** How the destination names a target, for the report. */
  at(target: Target): string;
}

/**
 * Copy the signatures, SBOMs and attestations of the image `subject` — and
 * theirs, up to {@link MAX_REFERRER_DEPTH} levels. They are found through the
 * source's referrers API, or, when it has none, in its `sha256-<hex>` fallback
 * index; each is copied by digest (blobs first, verified, as any image), and
 * only then recorded at the destination (see `recordReferrers`). cosign's
 * `sha256-<hex>.sig|.att|.sbom` tags are copied as tags. A source whose
 * listing is refused (too large, not an index, a bad descriptor, a foreign
 * link) gives one failed item and nothing of its referrers is written.
 *
 * @example
 * ```ts
 * items.push(...(await mirrorReferrers(result.source.digest, "r/app:1.0", run)));
 * ```
 */
export async function mirrorReferrers(subject: Digest, label: string, run: ReferrerRun): Promise<MirrorItem[]> {
  const items: MirrorItem[] = [];
  await walk(subject, label, 1, { left: MAX_REFERRERS_PER_IMAGE }, run, items);
  return items;
}

async function walk(
  subject: Digest,
  label: string,
  depth: number,
  budget: { left: number },
  run: ReferrerRun,
  items: MirrorItem[],
): Promise<void> {
  const tagOf = referrersFallbackTag(subject);
  const found = await guarded(() => discover(subject, run), `${label} referrers`, run.at({ tag: tagOf }), items);
  if (found === undefined) return;
  for (const tag of found.tags) items.push({ ...(await run.copy({ tag }, { tag })), referrerOf: label });
  const copied: Descriptor[] = [];
  for (const listed of found.referrers) {
    if (--budget.left < 0) {
      items.push(failedItem(`${label} referrers`, run.at({ tag: tagOf }), tooMany(label)));
      return;
    }
    const checked = await guarded(() => checkSubject(listed, subject, run), listed.digest, run.at(listed), items);
    if (checked === undefined) continue;
    const item = { ...(await run.copy({ digest: listed.digest }, { digest: listed.digest })), referrerOf: label };
    items.push(item);
    if (item.result === undefined) continue;
    copied.push(referrerEntry(item.result.source, checked));
    if (depth < MAX_REFERRER_DEPTH) await walk(listed.digest, item.source, depth + 1, budget, run, items);
  }
  if (copied.length === 0) return;
  const outcome = await guarded(
    () => recordReferrers(run.destination, subject, copied, run),
    `${label} referrers`,
    run.at({ tag: tagOf }),
    items,
  );
  if (outcome === "written" || outcome === "up-to-date")
    items.push({
      source: `${label} referrers`,
      destination: run.at({ tag: tagOf }),
      status: outcome === "written" ? "copied" : "up-to-date",
      referrerOf: label,
    });
}

// A listing is the registry's word; the referrer's own manifest must name the
// subject, or the destination's index would claim a signature that signs something else.
async function checkSubject(listed: Descriptor, subject: Digest, run: ReferrerRun): Promise<Descriptor> {
  const fetched = await run.source.fetchManifest({ digest: listed.digest }, run);
  const { manifest } = fetched;
  if (manifest.subject?.digest !== subject)
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot copy ${listed.digest} as a referrer of ${subject}: its manifest names ${manifest.subject?.digest ?? "no subject"}; the source's referrers listing is wrong, so it was left out. Report it to the registry's operators.`,
    );
  const artifactType = manifest.artifactType ?? (manifest.kind === "image" ? manifest.config.mediaType : undefined);
  return {
    ...listed,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(manifest.annotations === undefined ? {} : { annotations: manifest.annotations }),
  };
}

function tooMany(label: string): DigestguardError {
  return new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot copy the referrers of ${label}: there are more than ${MAX_REFERRERS_PER_IMAGE}; the rest were left out and no index was written for them. Mirror the image without --referrers, or its referrers one by one.`,
  );
}

async function discover(subject: Digest, run: ReferrerRun): Promise<{ referrers: Descriptor[]; tags: string[] }> {
  const tags = await run.sourceTags();
  const legacy = cosignTags(tags, subject);
  const listed = await run.source.listReferrers?.(subject, run);
  if (listed !== undefined) return { referrers: listed, tags: legacy };
  const fallback = referrersFallbackTag(subject);
  if (!tags.includes(fallback)) return { referrers: [], tags: legacy };
  const index = await run.source.fetchManifest({ tag: fallback }, run);
  // Something other than an index under the tag is an image someone tagged so: copied as it is.
  if (index.manifest.kind !== "index" || index.mediaType !== MediaType.ociIndex)
    return { referrers: [], tags: [fallback, ...legacy] };
  return { referrers: index.manifest.manifests, tags: legacy };
}

async function guarded<T>(
  work: () => Promise<T>,
  source: string,
  destination: string,
  items: MirrorItem[],
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (isAborted(error) || !(error instanceof DigestguardError)) throw error;
    items.push(failedItem(source, destination, error));
    return undefined;
  }
}
