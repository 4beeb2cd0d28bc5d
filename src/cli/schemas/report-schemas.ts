import { z } from "zod";
import {
  checkFailureSchema,
  descriptorSchema,
  digestSchema,
  errorSchema,
  findingSchema,
  mediaTypeSchema,
  sizeSchema,
} from "./shared-schemas.js";

/** `inspect --json`. */
export const inspectSchema = z.strictObject({
  schemaVersion: z.literal(1),
  reference: z.string().min(1),
  kind: z.enum(["index", "image"]),
  mediaType: mediaTypeSchema,
  digest: digestSchema,
  size: sizeSchema,
  artifactType: z.string().optional(),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  manifests: z
    .array(descriptorSchema.extend({ platform: z.string().optional(), attestation: z.boolean().optional() }))
    .optional(),
  config: descriptorSchema.optional(),
  layers: z.array(descriptorSchema).optional(),
  platform: z.string().optional(),
  index: descriptorSchema.optional(),
});

/** `digest --json`: one result per input, resolved or failed. */
export const digestDocumentSchema = z.strictObject({
  schemaVersion: z.literal(1),
  results: z.array(
    z.strictObject({
      input: z.string(),
      reference: z.string().optional(),
      digest: digestSchema.optional(),
      mediaType: mediaTypeSchema.optional(),
      size: sizeSchema.optional(),
      kind: z.enum(["index", "image", "platform-image"]).optional(),
      platform: z.string().optional(),
      indexDigest: digestSchema.optional(),
      note: z.string().optional(),
      error: errorSchema.optional(),
    }),
  ),
});

/** `tags --json`. */
export const tagsSchema = z.strictObject({
  schemaVersion: z.literal(1),
  repository: z.string().min(1),
  tags: z.array(z.string().min(1)),
});

const manifestCheck = z.strictObject({
  platform: z.string().optional(),
  mediaType: mediaTypeSchema.optional(),
  digest: digestSchema.optional(),
  size: sizeSchema.optional(),
  status: z.enum(["ok", "failed"]),
  failure: checkFailureSchema.optional(),
  unknown: z
    .string()
    .min(1)
    .optional()
    .describe("why mediaType, size (and digest) are absent: the manifest could not be read"),
});

const blobCheck = z.strictObject({
  role: z.enum(["config", "layer"]),
  platform: z.string().optional(),
  layerIndex: z.number().int().nonnegative().optional(),
  mediaType: mediaTypeSchema,
  digest: digestSchema,
  size: sizeSchema,
  status: z.enum(["ok", "failed", "skipped"]),
  failure: checkFailureSchema.optional(),
  diffId: z
    .strictObject({
      expected: digestSchema.optional(),
      actual: digestSchema.optional(),
      status: z.enum(["ok", "failed", "unchecked"]),
      why: z.string().optional(),
    })
    .optional(),
  source: z.string().optional(),
  resumes: z.number().int().positive().optional(),
});

/** `verify --json`: one report per reference. */
export const verifySchema = z.strictObject({
  schemaVersion: z.literal(1),
  ok: z.boolean(),
  reports: z.array(
    z.strictObject({
      schemaVersion: z.literal(1),
      reference: z.string().min(1),
      digest: digestSchema.optional(),
      kind: z.enum(["index", "image"]).optional(),
      mode: z.enum(["full", "deep", "manifests-only"]),
      ok: z.boolean(),
      manifests: z.array(manifestCheck),
      blobs: z.array(blobCheck),
      problems: z.array(z.strictObject({ platform: z.string().optional(), message: z.string().min(1) })),
      totals: z.strictObject({
        blobs: z.number().int().nonnegative(),
        bytes: sizeSchema,
        failed: z.number().int().nonnegative(),
        seconds: z.number().nonnegative(),
      }),
    }),
  ),
});

const count = z.number().int().nonnegative();

/** `check --json` / `check --format json` and `pin --check --json`. */
export const checkSchema = z.strictObject({
  schemaVersion: z.literal(1),
  lockfile: z.string().min(1),
  deep: z.boolean(),
  findings: z.array(findingSchema),
  images: z.array(
    z.strictObject({
      reference: z.string().min(1),
      digest: digestSchema,
      status: z.enum(["ok", "drift", "missing", "content-mismatch", "could-not-check"]),
      currentDigest: digestSchema.optional(),
    }),
  ),
  summary: z.strictObject({
    images: count,
    ok: count,
    drift: count,
    missing: count,
    contentMismatch: count,
    couldNotCheck: count,
    fileFindings: count,
    errors: count,
    warnings: count,
  }),
});

const at = { file: z.string().min(1), line: z.number().int().positive(), written: z.string().min(1) };

/** `pin --json`. */
export const pinSchema = z.strictObject({
  schemaVersion: z.literal(1),
  lockfile: z.string().min(1),
  dryRun: z.boolean(),
  pins: z.array(z.strictObject({ ...at, reference: z.string().min(1), digest: digestSchema, changed: z.boolean() })),
  problems: z.array(
    z.strictObject({
      ...at,
      reason: z.string().min(1),
      kind: z.enum(["unpinnable", "unresolved", "held", "not-in-mirror"]),
      error: z.strictObject({ code: z.string().min(1), exitCode: z.number().int() }).optional(),
    }),
  ),
  changes: z.array(
    z.strictObject({
      reference: z.string().min(1),
      from: digestSchema,
      to: digestSchema,
      summary: z.array(z.string()),
      sameContent: z.boolean(),
    }),
  ),
  filesChanged: z.array(z.string()),
  resolutions: count,
  interrupted: z.literal("after-commit").optional(),
});

const cacheEntry = z.strictObject({
  digest: digestSchema,
  size: sizeSchema,
  lastUsed: z.iso.datetime(),
  verifiedAt: z.iso.datetime(),
});

/** `cache ls --json`. */
export const cacheListSchema = z.strictObject({
  schemaVersion: z.literal(1),
  root: z.string().min(1),
  totalBytes: sizeSchema,
  entries: z.array(cacheEntry),
});

/** `cache verify --json`. */
export const cacheVerifySchema = z.strictObject({
  schemaVersion: z.literal(1),
  checked: count,
  bytes: sizeSchema,
  quarantined: z.array(z.strictObject({ digest: digestSchema, actual: digestSchema, movedTo: z.string().optional() })),
});

/** `cache prune --json`. */
export const cachePruneSchema = z.strictObject({
  schemaVersion: z.literal(1),
  dryRun: z.boolean(),
  removed: z.array(cacheEntry),
  bytes: sizeSchema,
});

/**
 * `diagnose --json`. The top level and the verdict are held exactly; the
 * parsed text, the location and each source's evidence keep their own
 * documented keys but may gain detail, so they are open objects here.
 */
export const diagnoseSchema = z.strictObject({
  schemaVersion: z.literal(1),
  parsed: z.looseObject({ otherErrors: count }),
  location: z.looseObject({}).optional(),
  searched: z.array(z.strictObject({ reference: z.string().min(1), result: z.string().min(1) })),
  evidence: z.array(z.looseObject({})),
  verdict: z.strictObject({
    cause: z.string().min(1),
    integrity: z.boolean(),
    explanation: z.string().min(1),
    nextSteps: z.array(z.string().min(1)),
    undetermined: z.string().min(1).optional(),
  }),
});
