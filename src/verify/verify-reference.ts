import { DigestguardError } from "../errors/error.js";
import { parseDigest } from "../oci/digest.js";
import { recordRef } from "../store/cache/cache-refs.js";
import { CacheStore } from "../store/cache/cache-store.js";
import { CachingStore } from "../store/cache/caching-store.js";
import type { ContentCache } from "../store/cache/content-cache.js";
import { verifyImage, type VerifyImageOptions } from "../image/verify-image.js";
import type { VerifyReport } from "../image/verify-report.js";
import { locationDisplay, parseLocation, type OpenedLocation } from "../store/open-location.js";

/** Options for {@link verifyReference}. */
export interface VerifyReferenceOptions extends Omit<VerifyImageOptions, "display"> {
  /** Opens a reference where it lives (registry or OCI layout). */
  open: (reference: string) => Promise<OpenedLocation>;
  /** Write verified content through to this cache; with `offline`, read only from it. */
  cache?: ContentCache;
  offline?: boolean;
}

/**
 * `verify` for one reference: open it, prove every byte with
 * {@link verifyImage}, and — with a cache — write the content through
 * (a {@link CachingStore}) and remember the tag for `--offline`, but only
 * once the whole image verified. Offline, the cache itself is the store.
 *
 * @example
 * ```ts
 * const report = await verifyReference("127.0.0.1:5000/app:1.0", { open, cache, mode: "deep" });
 * ```
 */
export async function verifyReference(reference: string, options: VerifyReferenceOptions): Promise<VerifyReport> {
  const { open, cache, offline, ...verify } = options;
  if (offline) {
    if (cache === undefined) throw new DigestguardError("USAGE", "Cannot verify offline without a cache.");
    const opened = offlineLocation(reference, cache);
    return verifyImage(opened.store, opened.target, { ...verify, display: opened.display });
  }
  const opened = await open(reference);
  const store = cache === undefined ? opened.store : new CachingStore(opened.store, cache);
  const verified = await verifyImage(store, opened.target, { ...verify, display: opened.display });
  const sources = opened.store.answeredBy?.() ?? [];
  const report = sources.length > 0 ? { ...verified, sources } : verified;
  const key = cacheKey(opened);
  // The reference is what `--offline` trusts: it may only name an image proven whole.
  if (report.ok && cache !== undefined && key !== undefined && report.digest !== undefined) {
    const top = report.manifests[0];
    await recordRef(
      cache.root,
      key,
      { mediaType: top?.mediaType ?? "", digest: parseDigest(report.digest), size: top?.size ?? 0 },
      { signal: options.signal },
    );
  }
  return report;
}

function offlineLocation(reference: string, cache: ContentCache): OpenedLocation {
  const location = parseLocation(reference);
  if (location.kind !== "registry") {
    throw new DigestguardError(
      "USAGE",
      `Cannot verify ${reference} --offline: only registry references are cached; an OCI layout is already local.`,
    );
  }
  const { registry, repository } = location.reference;
  return {
    store: new CacheStore(cache, `${registry}/${repository}`),
    target: location.target,
    location,
    display: `${locationDisplay(registry, repository, location.target)} (cache)`,
  };
}

function cacheKey(opened: OpenedLocation): string | undefined {
  if (opened.location.kind !== "registry" || opened.target.tag === undefined) return undefined;
  return `${opened.location.reference.registry}/${opened.location.reference.repository}:${opened.target.tag}`;
}
