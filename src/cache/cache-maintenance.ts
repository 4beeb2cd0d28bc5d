import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isContentMismatch } from "../errors/predicates.js";
import { isDigest, type Digest, type DigestAlgorithm } from "../oci/digest.js";
import { proveLocalBlob } from "../store/local-blob-proof.js";
import { mapConcurrent } from "../async/map-concurrent.js";
import type { ContentCache } from "../store/cache/content-cache.js";
import { isAbandoned, listPartials } from "../store/cache/partial-files.js";

/** One committed blob in the cache. */
export interface CacheEntry {
  digest: Digest;
  size: number;
  /** Last read (file atime). */
  lastUsed: Date;
  /** Last proven to match its digest (file mtime). */
  verifiedAt: Date;
}

/**
 * Every committed blob, largest first.
 *
 * @example
 * ```ts
 * for (const e of await listCache(cache)) console.log(e.digest, e.size);
 * ```
 */
export async function listCache(cache: ContentCache): Promise<CacheEntry[]> {
  const entries: CacheEntry[] = [];
  for (const algorithm of ["sha256", "sha512"] as DigestAlgorithm[]) {
    const dir = join(cache.root, "blobs", algorithm);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const digest = `${algorithm}:${name}`;
      if (!isDigest(digest)) continue; // temp files of an atomic write, or foreign files
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info?.isFile()) entries.push({ digest, size: info.size, lastUsed: info.atime, verifiedAt: info.mtime });
    }
  }
  return entries.sort((a, b) => b.size - a.size || a.digest.localeCompare(b.digest));
}

/** Result of {@link verifyCache}. */
export interface CacheVerifyResult {
  checked: number;
  bytes: number;
  quarantined: { digest: Digest; actual: Digest; movedTo: string | undefined }[];
}

/**
 * Re-hash every cached blob against the digest it is filed under; move the
 * ones that do not match to quarantine.
 *
 * @example
 * ```ts
 * const { quarantined } = await verifyCache(cache, { concurrency: 2 });
 * ```
 */
export async function verifyCache(
  cache: ContentCache,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<CacheVerifyResult> {
  const entries = await listCache(cache);
  const result: CacheVerifyResult = { checked: 0, bytes: 0, quarantined: [] };
  // The one worker pool that proves local blobs: as many files at once as it has cores.
  const settled = await mapConcurrent(entries, options.concurrency ?? 2, async (entry) => {
    const actual = await provenDigest(cache.blobPath(entry.digest), entry, options.signal);
    result.checked++;
    result.bytes += entry.size;
    if (actual !== entry.digest)
      result.quarantined.push({ digest: entry.digest, actual, movedTo: await cache.quarantine(entry.digest) });
  });
  const failure = settled.find((s) => s.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return result;
}

// The digest the file really has: its own when proven, else the one the mismatch names.
async function provenDigest(path: string, entry: CacheEntry, signal?: AbortSignal): Promise<Digest> {
  try {
    await proveLocalBlob(path, { digest: entry.digest, size: entry.size }, { signal });
    return entry.digest;
  } catch (error) {
    const actual = isContentMismatch(error) ? error.details["actualDigest"] : undefined;
    if (typeof actual === "string" && isDigest(actual)) return actual;
    throw error;
  }
}

/** What to prune. Criteria combine: a blob goes when any applies. */
export interface PruneOptions {
  /** Remove blobs not used for this long. */
  olderThanMs?: number;
  /** Then remove least recently used blobs until the cache is at most this big. */
  maxBytes?: number;
  /** Remove blobs no cached reference reaches (the digests in `keep` are the reachable ones). */
  keep?: Set<string>;
  dryRun?: boolean;
}

/**
 * Remove blobs by age, total size and reachability, and always the
 * quarantine and abandoned partial downloads (the analogue of
 * `docker builder prune`). A partial that a live process is still writing
 * is left alone. With `dryRun`, only report.
 *
 * @example
 * ```ts
 * const removed = await pruneCache(cache, { olderThanMs: 7 * 86_400_000, dryRun: true });
 * ```
 */
export async function pruneCache(
  cache: ContentCache,
  options: PruneOptions,
): Promise<{ removed: CacheEntry[]; bytes: number }> {
  const entries = await listCache(cache);
  const now = Date.now();
  const doomed = new Set<CacheEntry>();
  for (const entry of entries) {
    if (options.olderThanMs !== undefined && now - entry.lastUsed.getTime() > options.olderThanMs) doomed.add(entry);
    if (options.keep !== undefined && !options.keep.has(entry.digest)) doomed.add(entry);
  }
  if (options.maxBytes !== undefined) {
    let total = entries.filter((e) => !doomed.has(e)).reduce((sum, e) => sum + e.size, 0);
    for (const entry of [...entries].sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime())) {
      if (total <= options.maxBytes) break;
      if (doomed.has(entry)) continue;
      doomed.add(entry);
      total -= entry.size;
    }
  }
  const removed = [...doomed];
  if (!options.dryRun) {
    for (const entry of removed) await rm(cache.blobPath(entry.digest), { force: true });
    await rm(join(cache.root, "quarantine"), { recursive: true, force: true });
    await removeAbandonedPartials(join(cache.root, "ingest"));
  }
  return { removed, bytes: removed.reduce((sum, e) => sum + e.size, 0) };
}

// Only partials no live process writes: removing a live writer's file would fail its download.
async function removeAbandonedPartials(ingestDir: string): Promise<void> {
  for (const partial of await listPartials(ingestDir)) {
    if (isAbandoned(partial)) await rm(partial.path, { force: true });
  }
}
