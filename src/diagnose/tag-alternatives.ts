import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError } from "../errors/error.js";
import { verifyBlob } from "../image/verify-blob.js";
import { checkFailure } from "../image/verify-report.js";
import { walkImage } from "../image/walk-image.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { parsePlatform } from "../oci/platform.js";
import { formatReference, parseReference, type Reference } from "../oci/reference.js";
import type { ContentStore } from "../store/content-store.js";
import type { Alternative, OpenOrigin } from "./alternative.js";
import type { DigestLocation } from "./locate-digest.js";
import { rankTags } from "./rank-tags.js";

/** Tags examined at most, newest-looking first. */
export const MAX_TAGS_EXAMINED = 50;

/** Options of {@link findTagsWithContent}. */
export interface TagSearchOptions {
  openOrigin: OpenOrigin;
  /** The failing image's own digest: tags naming it are the same image, not another way. */
  currentDigest?: string;
  maxTags?: number;
  signal?: AbortSignal;
}

/**
 * Other tags of the failing image's repository whose platform manifests
 * list the failing layer (or config): the same content under another name.
 * At most `maxTags` tags are examined (HEAD each, then one walk per distinct
 * digest); the failing blob is then fetched once through the verified read,
 * and each such tag is offered as helping only if it is served intact.
 * Tags without the content are not offered.
 *
 * @example
 * ```ts
 * const { alternatives, note } = await findTagsWithContent(location, { openOrigin, signal });
 * ```
 */
export async function findTagsWithContent(
  location: DigestLocation,
  options: TagSearchOptions,
): Promise<{ alternatives: Alternative[]; note: string }> {
  if (location.role !== "layer" && location.role !== "config")
    return { alternatives: [], note: "other tags: not searched, the failing content is a manifest, not a layer" };
  let ref: Reference;
  try {
    ref = parseReference(location.reference);
  } catch {
    return { alternatives: [], note: `other tags: not searched, ${location.reference} is not a registry reference` };
  }
  const { store } = await options.openOrigin(formatReference({ ...ref, digest: undefined, tag: ref.tag ?? "latest" }));
  const tags = await store.listTags({ signal: options.signal });
  const ranked = rankTags(tags, {
    ...(ref.tag ? { exclude: ref.tag } : {}),
    max: options.maxTags ?? MAX_TAGS_EXAMINED,
  });
  const byDigest = await tagsByDigest(store, ranked, options);
  const carrying: { digest: string; tags: string[]; blob: Descriptor }[] = [];
  for (const [digest, named] of byDigest) {
    if (digest === options.currentDigest) continue;
    const blob = await findBlob(store, digest as Digest, location, options.signal);
    if (blob !== undefined) carrying.push({ digest, tags: named, blob });
  }
  const note = `other tags: examined ${ranked.length} of ${tags.length} (newest-looking first), ${carrying.length} distinct image${carrying.length === 1 ? " carries" : "s carry"} the failing ${location.role}`;
  const first = carrying[0];
  if (first === undefined) return { alternatives: [], note };
  const served = await serveOnce(store, first.blob, options.signal);
  const alternatives = carrying.map(
    ({ digest, tags: named }): Alternative => ({
      kind: "other-tag",
      reference: formatReference({ ...ref, tag: named[0], digest: digest as Digest }),
      helps: served.intact,
      carriesFailingContent: true,
      detail: served.intact
        ? `verified: the failing ${location.role} is served intact`
        : `does not help: it carries the same ${location.role}, which the repository serves broken (${served.meaning})`,
      ...(named.length > 1 ? { from: `also tagged ${named.slice(1).join(", ")}` } : {}),
    }),
  );
  return { alternatives, note };
}

// HEAD per tag: cheap, and many tags name one digest, which is then walked once.
async function tagsByDigest(
  store: ContentStore,
  tags: string[],
  options: TagSearchOptions,
): Promise<Map<string, string[]>> {
  const resolved = await mapConcurrent(tags, 4, (tag) => store.resolve({ tag }, { signal: options.signal }));
  const byDigest = new Map<string, string[]>();
  resolved.forEach((result, i) => {
    if (result.status === "rejected") return rethrowAbort(result.reason);
    byDigest.set(result.value.digest, [...(byDigest.get(result.value.digest) ?? []), tags[i] as string]);
  });
  return byDigest;
}

async function findBlob(
  store: ContentStore,
  digest: Digest,
  location: DigestLocation,
  signal?: AbortSignal,
): Promise<Descriptor | undefined> {
  const wanted = location.descriptor.digest;
  try {
    const platform = location.platform === undefined ? undefined : parsePlatform(location.platform);
    const tree = await walkImage(store, { digest }, { signal, ...(platform ? { platform } : {}) });
    for (const image of tree.images) {
      if (image.config.digest === wanted) return image.config;
      const layer = image.layers.find((l) => l.digest === wanted);
      if (layer !== undefined) return layer;
    }
  } catch (error) {
    rethrowAbort(error);
  }
  return undefined;
}

// Blobs live per repository, not per tag: one verified read answers for every tag that lists it.
async function serveOnce(
  store: ContentStore,
  blob: Descriptor,
  signal?: AbortSignal,
): Promise<{ intact: boolean; meaning?: string }> {
  try {
    await verifyBlob(store, blob, { signal });
    return { intact: true };
  } catch (error) {
    rethrowAbort(error);
    return { intact: false, meaning: checkFailure(error).meaning };
  }
}

function rethrowAbort(error: unknown): void {
  if (error instanceof DigestguardError && error.code === "ABORTED") throw error;
}
