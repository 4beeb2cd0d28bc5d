import { z } from "zod";

// Building blocks of the --json documents. Objects are strict: a key the
// schema does not name is an error, so a document cannot grow fields by accident.

/** A content digest: sha256 or sha512, lowercase hex; never empty. */
export const digestSchema = z
  .string()
  .regex(/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/)
  .describe("content digest");

/** Byte counts. */
export const sizeSchema = z.number().int().nonnegative();

/** A media type; never empty. */
export const mediaTypeSchema = z.string().min(1);

/** An error as every document tells it. */
export const errorSchema = z.strictObject({
  code: z.string().regex(/^[A-Z_]+$/),
  message: z.string().min(1),
  exitCode: z.number().int().min(1),
});

/** What a --json run prints on stdout when it fails, for every command. */
export const errorDocumentSchema = z.strictObject({ schemaVersion: z.literal(1), error: errorSchema });

/** A descriptor as reports show it. */
export const descriptorSchema = z.strictObject({
  mediaType: mediaTypeSchema,
  digest: digestSchema,
  size: sizeSchema,
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Why a check failed, as verify and check --deep tell it. */
export const checkFailureSchema = z.strictObject({
  code: z.string().min(1),
  meaning: z.string().min(1),
  message: z.string(),
  expectedDigest: digestSchema.optional(),
  actualDigest: digestSchema.optional(),
  expectedSize: sizeSchema.optional(),
  received: sizeSchema.optional(),
});

/** A finding of check and pin --check. */
export const findingSchema = z.strictObject({
  rule: z.enum([
    "unpinned",
    "not-locked",
    "differs-from-lock",
    "cannot-pin",
    "missing",
    "content-mismatch",
    "drift",
    "could-not-check",
    "mirror-stale",
    "not-in-mirror",
    "mirror-corrupt",
    "pin-interrupted",
  ]),
  severity: z.enum(["error", "warning", "note"]),
  message: z.string().min(1),
  file: z.string().min(1),
  line: z.number().int().positive().optional(),
  reference: z.string().optional(),
  exitCode: z.number().int().optional(),
});
