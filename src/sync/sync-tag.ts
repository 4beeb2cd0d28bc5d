import { copyImage } from "../image/copy-image.js";
import { planCopy } from "../image/copy-plan.js";
import { platformSubset } from "../image/platform-subset.js";
import { isNotFound } from "../errors/predicates.js";
import type { Platform } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import type { ContentStore } from "../store/content-store.js";
import { freeBackupTag } from "./backup-tag.js";
import type { SyncTagReport } from "./sync-report.js";

/** One tag to bring to its target. */
export interface TagJob {
  source: ContentStore;
  target: ContentStore;
  tag: string;
  platforms: readonly Platform[];
  backup: boolean;
  dryRun: boolean;
  /** Other target repositories on the same registry, to mount shared blobs from. */
  mountFrom: readonly ContentStore[];
  now: Date;
  signal?: AbortSignal;
}

/**
 * Bring one tag to its target: compare what the source tag names (after the
 * platform subset) with what the target tag names; equal is up to date and
 * moves nothing. Otherwise list the blobs the target lacks (the bytes a dry
 * run reports), keep the target's old manifest under
 * `<tag>-backup-<YYYY-MM-DD>` (see `freeBackupTag`) when backups are on, then copy.
 *
 * @example
 * ```ts
 * const report = await syncTag({ source, target, tag: "3.19", platforms: [], backup: true, dryRun: false, mountFrom: [], now: new Date() });
 * ```
 */
export async function syncTag(job: TagJob): Promise<Omit<SyncTagReport, "source" | "target">> {
  const { source, target, tag, signal } = job;
  const original = await source.fetchManifest({ tag }, { signal });
  const root = job.platforms.length === 0 ? original : platformSubset(original, job.platforms, source.location);
  const previous = await currentDigest(target, tag, signal);
  const base = { tag, digest: root.digest, blobs: { uploaded: 0, mounted: 0, present: 0 } };
  if (previous === root.digest) return { ...base, status: "up-to-date", bytes: 0 };
  const moving = previous === undefined ? {} : { previous };
  const backupTag =
    job.backup && previous !== undefined ? await freeBackupTag(target, tag, previous, job.now, signal) : undefined;
  if (job.dryRun) {
    const plan = await planCopy(source, target, root, { signal });
    const lacking = await Promise.all(plan.blobs.map(async (b) => ((await target.exists(b, { signal })) ? 0 : b.size)));
    return { ...base, ...moving, ...(backupTag ? { backupTag } : {}), status: "would-copy", bytes: sum(lacking) };
  }
  if (backupTag !== undefined && previous !== undefined) await keepBackup(target, previous, backupTag, signal);
  const result = await copyImage(source, { tag }, target, {
    tag,
    platforms: job.platforms,
    mountFrom: job.mountFrom,
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    ...base,
    ...moving,
    ...(backupTag ? { backupTag } : {}),
    status: result.status === "up-to-date" ? "up-to-date" : "copied",
    bytes: result.bytesUploaded,
    blobs: result.blobs,
  };
}

async function currentDigest(store: ContentStore, tag: string, signal?: AbortSignal): Promise<Digest | undefined> {
  try {
    return (await store.resolve({ tag }, { signal })).digest;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

// The old manifest's exact bytes under a new tag: its blobs are in the repository already.
async function keepBackup(store: ContentStore, digest: Digest, backupTag: string, signal?: AbortSignal): Promise<void> {
  const old = await store.fetchManifest({ digest }, { signal });
  await store.pushManifest(old.bytes, old.mediaType, { tag: backupTag, signal });
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
