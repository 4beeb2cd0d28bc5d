import { z } from "zod";
import { digestSchema, sizeSchema } from "./shared-schemas.js";

const count = z.number().int().nonnegative();

/** Why a tag or image failed; the exit code is the command's, not each item's. */
const syncError = z.strictObject({ code: z.string().regex(/^[A-Z_]+$/), message: z.string().min(1) });

const syncTag = z.strictObject({
  tag: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  status: z.enum(["copied", "up-to-date", "failed", "would-copy"]),
  digest: digestSchema.optional(),
  previous: digestSchema.optional(),
  backupTag: z.string().min(1).optional(),
  bytes: sizeSchema,
  blobs: z.strictObject({ uploaded: count, mounted: count, present: count }),
  error: syncError.optional(),
});

/**
 * `sync --json`: one document for `--once` and `--dry-run`; with
 * `--schedule`, one such document per pass, each on its own line, with the
 * pass number (and, shared on a database, its tick and this worker's name:
 * its images are those this worker synced).
 */
export const syncSchema = z.strictObject({
  schemaVersion: z.literal(1),
  pass: z.number().int().positive().optional(),
  /** A pass shared on a database: its schedule tick, and the worker that wrote this report. */
  tick: z.string().datetime().optional(),
  worker: z.string().min(1).optional(),
  ok: z.boolean(),
  dryRun: z.boolean(),
  images: z.array(
    z.strictObject({
      source: z.string(),
      target: z.string(),
      tags: z.array(syncTag),
      error: syncError.optional(),
    }),
  ),
  totals: z.strictObject({
    copied: count,
    upToDate: count,
    failed: count,
    wouldCopy: count,
    bytes: sizeSchema,
    blobsUploaded: count,
    blobsMounted: count,
  }),
});
