import { DigestguardError } from "../errors/error.js";
import { ContentCache } from "../store/cache/content-cache.js";
import { pruneCache } from "./cache-maintenance.js";
import { reachableDigests } from "./reachable-digests.js";

/** `digestguard cache prune`'s criteria, as the user wrote them. */
export interface PruneCriteria {
  /** Cache folder (default $DIGESTGUARD_CACHE_DIR or ~/.cache/digestguard). */
  cacheDir?: string;
  /** Not used for this long: "7d", "12h", "30m", "45s", "2w". */
  olderThan?: string;
  /** Then least recently used until at most this big: "500MB", "10GB", "1.5GiB". */
  maxSize?: string;
  /** Not reachable from any cached reference. */
  unreferenced?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

/**
 * Prune the cache by the criteria a user gave in words; at least one of
 * olderThan, maxSize and unreferenced is required (checked before the
 * cache is opened).
 *
 * @example
 * ```ts
 * const { removed, bytes } = await pruneBy({ olderThan: "30d", dryRun: true });
 * ```
 */
export async function pruneBy(criteria: PruneCriteria): ReturnType<typeof pruneCache> {
  if (criteria.olderThan === undefined && criteria.maxSize === undefined && !criteria.unreferenced) {
    throw new DigestguardError(
      "USAGE",
      "Cannot prune without a criterion: give --older-than, --max-size and/or --unreferenced.",
    );
  }
  const cache = await ContentCache.open(criteria.cacheDir);
  return pruneCache(cache, {
    ...(criteria.olderThan !== undefined ? { olderThanMs: parseDuration(criteria.olderThan) } : {}),
    ...(criteria.maxSize !== undefined ? { maxBytes: parseSize(criteria.maxSize) } : {}),
    ...(criteria.unreferenced ? { keep: await reachableDigests(cache, { signal: criteria.signal }) } : {}),
    dryRun: criteria.dryRun === true,
  });
}

/**
 * "7d", "12h", "30m", "45s" → milliseconds.
 *
 * @example
 * ```ts
 * parseDuration("12h"); // 43200000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (match === null)
    throw new DigestguardError("USAGE", `Cannot read duration "${text}": use a number and s, m, h, d or w (e.g. 7d).`);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[match[2] as "s"];
  return Number(match[1]) * unit;
}

/**
 * "500MB", "10GB", "1.5GiB", "1024" → bytes.
 *
 * @example
 * ```ts
 * parseSize("2GiB"); // 2147483648
 * ```
 */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(text.trim());
  if (match === null) throw new DigestguardError("USAGE", `Cannot read size "${text}": use e.g. 500MB, 10GB or 2GiB.`);
  const unit = (match[2] ?? "B").toUpperCase();
  const power = "BKMGT".indexOf(unit[0] as string);
  const base = unit.includes("I") ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** power);
}
