import type { Digest } from "../oci/digest.js";

/** What happened (or, with `--dry-run`, would happen) to one tag. */
export interface SyncTagReport {
  tag: string;
  /** `registry/repository:tag` at the source and at the target. */
  source: string;
  target: string;
  status: "copied" | "up-to-date" | "failed" | "would-copy";
  /** The manifest written (or to write) under the target tag. */
  digest?: Digest;
  /** What the target tag named before, when it moves. */
  previous?: Digest;
  /** The tag `previous` was kept under, when backups are on. */
  backupTag?: string;
  /** Blob bytes moved (would move, for a dry run). */
  bytes: number;
  blobs: { uploaded: number; mounted: number; present: number };
  error?: { code: string; message: string };
}

/** One `sync.images` entry. */
export interface SyncImageReport {
  source: string;
  target: string;
  tags: SyncTagReport[];
  /** The image failed as a whole (its tags could not be listed, a bad filter). */
  error?: { code: string; message: string };
}

/** What `syncOnce` did. */
export interface SyncReport {
  ok: boolean;
  dryRun: boolean;
  images: SyncImageReport[];
  totals: {
    copied: number;
    upToDate: number;
    failed: number;
    wouldCopy: number;
    bytes: number;
    blobsUploaded: number;
    blobsMounted: number;
  };
}

/**
 * Sum the per-tag results into the report's totals.
 *
 * @example
 * ```ts
 * const report = summarize(images, false);
 * ```
 */
export function summarize(images: SyncImageReport[], dryRun: boolean): SyncReport {
  const tags = images.flatMap((image) => image.tags);
  const count = (status: SyncTagReport["status"]) => tags.filter((t) => t.status === status).length;
  const failed = count("failed") + images.filter((image) => image.error !== undefined).length;
  return {
    ok: failed === 0,
    dryRun,
    images,
    totals: {
      copied: count("copied"),
      upToDate: count("up-to-date"),
      failed,
      wouldCopy: count("would-copy"),
      bytes: tags.reduce((sum, t) => sum + t.bytes, 0),
      blobsUploaded: tags.reduce((sum, t) => sum + t.blobs.uploaded, 0),
      blobsMounted: tags.reduce((sum, t) => sum + t.blobs.mounted, 0),
    },
  };
}
