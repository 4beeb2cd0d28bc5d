import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "./descriptor.js";
import { type Digest, digestAlgorithm, digestOf, parseDigest } from "./digest.js";
import { INDEX_MEDIA_TYPES } from "./media-types.js";
import { decodeJsonObject, describeJson, invalid, schemaError } from "./manifest-json.js";
import { manifestContentType, rejectSchema1, resolveManifestMediaType } from "./manifest-media-type.js";
import { imageIndexSchema, imageManifestSchema } from "./manifest-schema.js";

/** The largest manifest digestguard reads (4 MiB), the limit registries commonly enforce. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** An OCI image index or Docker manifest list: a list of manifests, usually one per platform. */
export interface ImageIndex {
  kind: "index";
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An OCI image manifest or Docker v2 schema 2 manifest: one config and its layers (or an artifact). */
export interface ImageManifest {
  kind: "image";
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Either kind of manifest; switch on `kind`. */
export type Manifest = ImageIndex | ImageManifest;

/** A parsed manifest together with the exact bytes its digest and size were computed over. */
export interface FetchedManifest {
  bytes: Uint8Array;
  digest: Digest;
  size: number;
  mediaType: string;
  manifest: Manifest;
}

/**
 * Parse and validate manifest bytes (OCI index or image manifest, Docker
 * manifest list or v2 schema 2). The digest is computed over the exact bytes
 * given, with the algorithm of `expectedDigest` (sha256 by default), and
 * checked before anything is parsed; `contentType` is the response's
 * `Content-Type`, used to decide or cross-check the media type. Throws
 * `MANIFEST_TOO_LARGE`, `DIGEST_MISMATCH`, `MANIFEST_INVALID` (with the JSON
 * path at fault) or `MANIFEST_UNSUPPORTED` (Docker schema 1, unknown types).
 *
 * @example
 * ```ts
 * const fetched = parseManifest(bytes, { contentType: res.headers.get("content-type") ?? undefined, expectedDigest });
 * if (fetched.manifest.kind === "index") console.log(fetched.manifest.manifests.length, "platforms");
 * ```
 */
export function parseManifest(
  bytes: Uint8Array,
  options: { contentType?: string; expectedDigest?: Digest } = {},
): FetchedManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new DigestguardError(
      "MANIFEST_TOO_LARGE",
      `Cannot parse manifest: it is ${bytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte (4 MiB) limit; ` +
        "a manifest this large is almost certainly not one, so check the reference points at a manifest.",
      { details: { size: bytes.length, limit: MAX_MANIFEST_BYTES } },
    );
  }
  // A private copy: the digest must keep describing these bytes even if the caller reuses its buffer.
  const exact = new Uint8Array(bytes);
  const digest = verifiedDigest(exact, options.expectedDigest);
  const contentType = manifestContentType(options.contentType);
  rejectSchema1(contentType);
  const body = decodeJsonObject(exact, "manifest");
  rejectSchema1(contentType, body);
  if (body["schemaVersion"] !== 2) {
    const found = body["schemaVersion"];
    throw invalid(
      "manifest",
      found === undefined
        ? "schemaVersion is required and must be 2"
        : `schemaVersion must be 2, got ${describeJson(found)}`,
      { details: { path: "schemaVersion" } },
    );
  }
  const mediaType = resolveManifestMediaType(body, contentType);
  const manifest = validateManifest(body, mediaType);
  return { bytes: exact, digest, size: exact.length, mediaType, manifest };
}

/**
 * The descriptor that points at a fetched manifest, as an index entry or a
 * lockfile would record it.
 *
 * @example
 * ```ts
 * const { digest, size } = manifestDescriptor(parseManifest(bytes));
 * ```
 */
export function manifestDescriptor(m: FetchedManifest): Descriptor {
  return { mediaType: m.mediaType, digest: m.digest, size: m.size };
}

function verifiedDigest(bytes: Uint8Array, expectedDigest: Digest | undefined): Digest {
  const expected = expectedDigest === undefined ? undefined : parseDigest(expectedDigest);
  const actual = digestOf(bytes, expected === undefined ? "sha256" : digestAlgorithm(expected));
  if (expected !== undefined && actual !== expected) {
    throw new DigestguardError(
      "DIGEST_MISMATCH",
      `Cannot verify manifest: expected digest ${expected} but the ${bytes.length} bytes received have digest ${actual}; ` +
        "the content changed or was corrupted in transit, so it was not used.",
      { details: { expectedDigest: expected, actualDigest: actual } },
    );
  }
  return actual;
}

function validateManifest(body: Record<string, unknown>, mediaType: string): Manifest {
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    const result = imageIndexSchema.safeParse(body);
    if (!result.success) throw schemaError("manifest", result.error);
    return { kind: "index", ...result.data, mediaType };
  }
  const result = imageManifestSchema.safeParse(body);
  if (!result.success) throw schemaError("manifest", result.error);
  return { kind: "image", ...result.data, mediaType };
}
