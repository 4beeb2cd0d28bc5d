import { z } from "zod";
import { DigestguardError } from "../errors/error.js";
import { digestAlgorithm, digestOf, parseDigest } from "./digest.js";
import { describeJson } from "./manifest-json.js";

// RFC 6838 section 4.2: type-name "/" subtype-name, each a restricted-name.
const MEDIA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// RFC 4648 base64 with padding, the only form the descriptor `data` field allows.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? "is required" : `must be ${expected}, got ${describeJson(issue.input)}`;
}

/** A JSON string; the message names what was found instead. */
export const jsonString = () => z.string({ error: typeError("a string") });

/** An array of strings. */
export const stringArray = () => z.array(jsonString(), { error: typeError("an array of strings") });

/** A string-to-string map, as `annotations` and `Labels` are. */
export const stringMap = () => z.record(z.string(), jsonString(), { error: typeError("an object of strings") });

/** A media type shaped as RFC 6838 requires. */
export const mediaTypeSchema = jsonString().regex(MEDIA_TYPE_PATTERN, {
  error: (issue) => `must be a media type of the form "type/subtype" (RFC 6838), got ${describeJson(issue.input)}`,
});

/** A digest checked with the project's digest grammar. */
export const digestSchema = jsonString().transform((text, ctx) => {
  try {
    return parseDigest(text);
  } catch (error) {
    if (!(error instanceof DigestguardError)) throw error;
    const reason = /^Cannot parse digest ".*": (.*?)\.?$/s.exec(error.message)?.[1] ?? error.message;
    ctx.issues.push({ code: "custom", input: text, message: `${describeJson(text)} is not a valid digest: ${reason}` });
    return z.NEVER;
  }
});

const sizeSchema = z
  .number({ error: typeError("a non-negative integer") })
  .refine((n) => Number.isSafeInteger(n) && n >= 0, {
    error: (issue) => `must be a non-negative integer, got ${describeJson(issue.input)}`,
  });

/** The `platform` object of an index entry. */
export const platformSchema = z.object(
  {
    architecture: jsonString(),
    os: jsonString(),
    "os.version": jsonString().optional(),
    "os.features": stringArray().optional(),
    variant: jsonString().optional(),
    features: stringArray().optional(),
  },
  { error: typeError("an object") },
);

/**
 * A content descriptor. When `data` embeds the content, it must decode to
 * exactly `size` bytes with digest `digest`: a consumer may use it in place of
 * a fetch, so it must be held to the same contract as fetched bytes.
 */
export const descriptorSchema = z
  .object(
    {
      mediaType: mediaTypeSchema,
      digest: digestSchema,
      size: sizeSchema,
      urls: stringArray().optional(),
      annotations: stringMap().optional(),
      platform: platformSchema.optional(),
      artifactType: mediaTypeSchema.optional(),
      data: jsonString().regex(BASE64_PATTERN, { error: "must be base64 (RFC 4648, padded)" }).optional(),
    },
    { error: typeError("a descriptor object") },
  )
  .superRefine((descriptor, ctx) => {
    if (descriptor.data === undefined) return;
    const content = Buffer.from(descriptor.data, "base64");
    const why =
      content.length !== descriptor.size
        ? `decodes to ${content.length} bytes but size is ${descriptor.size}`
        : digestOf(content, digestAlgorithm(descriptor.digest)) !== descriptor.digest
          ? `does not match digest ${descriptor.digest}`
          : undefined;
    if (why !== undefined) ctx.addIssue({ code: "custom", path: ["data"], input: descriptor.data, message: why });
  });

const commonFields = {
  schemaVersion: z.literal(2, { error: typeError("2") }),
  mediaType: mediaTypeSchema.optional(),
  artifactType: mediaTypeSchema.optional(),
  subject: descriptorSchema.optional(),
  annotations: stringMap().optional(),
};

/** An image index or Docker manifest list, without its `kind`. */
export const imageIndexSchema = z.object({
  ...commonFields,
  manifests: z.array(descriptorSchema, { error: typeError("an array of descriptors") }),
});

/** An image manifest or Docker v2 schema 2 manifest, without its `kind`. */
export const imageManifestSchema = z.object({
  ...commonFields,
  config: descriptorSchema,
  layers: z.array(descriptorSchema, { error: typeError("an array of descriptors") }),
});
