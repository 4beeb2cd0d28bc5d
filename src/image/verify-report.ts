import { DigestguardError } from "../errors/error.js";
import { EMPTY_SHA256 } from "../oci/digest.js";

/** Why a piece of content failed, in the terms `verify` and `diagnose` share. */
export interface CheckFailure {
  code: string;
  /** Plain words: "content differs although the size is equal", "body truncated", … */
  meaning: string;
  message: string;
  expectedDigest?: string;
  actualDigest?: string;
  expectedSize?: number;
  received?: number;
}

/** The check of one blob (config or layer) of one platform. */
export interface BlobCheck {
  role: "config" | "layer";
  platform?: string;
  /** Position in the manifest's `layers` (layers only). */
  layerIndex?: number;
  mediaType: string;
  digest: string;
  size: number;
  status: "ok" | "failed" | "skipped";
  failure?: CheckFailure;
  /** With --deep: the uncompressed digest against the config's `rootfs.diff_ids`. */
  diffId?: { expected?: string; actual?: string; status: "ok" | "failed" | "unchecked"; why?: string };
  /** Where the bytes came from (registry or mirror host, layout path, cache). */
  source?: string;
  /** Times a dropped connection was resumed with a Range read. */
  resumes?: number;
}

/**
 * The check of one manifest (the top one, or an index child). When the top
 * manifest could not be read at all, its media type and size (and its digest,
 * unless the reference named one) are not known: those fields are absent and
 * `unknown` says why — never an empty string or a zero standing in for them.
 */
export interface ManifestCheck {
  platform?: string;
  mediaType?: string;
  digest?: string;
  size?: number;
  status: "ok" | "failed";
  failure?: CheckFailure;
  /** Why mediaType/size/digest are absent. */
  unknown?: string;
}

/** What `verify` reports for one reference, `--json` schema version 1. */
export interface VerifyReport {
  schemaVersion: 1;
  reference: string;
  /** The top manifest's digest as computed over its bytes. */
  digest?: string;
  kind?: "index" | "image";
  mode: "full" | "deep" | "manifests-only";
  ok: boolean;
  manifests: ManifestCheck[];
  blobs: BlobCheck[];
  /** Platform-level problems: layer count differs from diff_ids, config unreadable. */
  problems: { platform?: string; message: string }[];
  totals: { blobs: number; bytes: number; failed: number; seconds: number };
  /** The hosts that served this image's content (a registry, its mirrors); absent for local stores. */
  sources?: { source: string; mirror: boolean }[];
}

/**
 * Describe a failure in plain words, with the expected/actual digest and
 * sizes the error carries.
 *
 * @example
 * ```ts
 * checkFailure(error).meaning; // "body truncated (1000 of 4096 bytes)"
 * ```
 */
export function checkFailure(error: unknown): CheckFailure {
  if (!(error instanceof DigestguardError))
    return { code: "INTERNAL", meaning: "unexpected failure", message: String(error) };
  const d = error.details as {
    expectedDigest?: string;
    actualDigest?: string;
    expectedSize?: number;
    received?: number;
  };
  const { expectedDigest, actualDigest } = d;
  return {
    code: error.code,
    meaning: meaningOf(error.code, actualDigest, d.expectedSize, d.received),
    message: error.message,
    ...(expectedDigest !== undefined ? { expectedDigest } : {}),
    ...(actualDigest !== undefined ? { actualDigest } : {}),
    ...(d.expectedSize !== undefined ? { expectedSize: d.expectedSize } : {}),
    ...(d.received !== undefined ? { received: d.received } : {}),
  };
}

function meaningOf(
  code: string,
  actual: string | undefined,
  expectedSize: number | undefined,
  received: number | undefined,
): string {
  switch (code) {
    case "DIGEST_MISMATCH":
      return actual === EMPTY_SHA256
        ? "body empty (the sha256 of zero bytes)"
        : "content differs although the size is equal";
    case "SIZE_MISMATCH":
      if (received === 0) return "body empty";
      if (received !== undefined && expectedSize !== undefined && received > expectedSize)
        return "body longer than declared";
      return `body truncated${received !== undefined && expectedSize !== undefined ? ` (${received} of ${expectedSize} bytes)` : ""}`;
    case "DIFF_ID_MISMATCH":
      return "the compressed blob is intact, but it does not decompress";
    case "BLOB_UNKNOWN":
    case "MANIFEST_UNKNOWN":
    case "NOT_FOUND":
    case "NAME_UNKNOWN":
      return "not found";
    case "UNAUTHORIZED":
    case "DENIED":
      return "unauthorized";
    case "TIMEOUT":
      return `timed out (stalled body or unresponsive registry)${progress(expectedSize, received)}`;
    case "NETWORK":
      return `network failure${progress(expectedSize, received)}`;
    default:
      return code.toLowerCase().replaceAll("_", " ");
  }
}

function progress(expectedSize: number | undefined, received: number | undefined): string {
  return received !== undefined && expectedSize !== undefined ? ` after ${received} of ${expectedSize} bytes` : "";
}
