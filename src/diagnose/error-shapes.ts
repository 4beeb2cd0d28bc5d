import type { Digest } from "../oci/digest.js";

/**
 * The kinds of pull/build failure digestguard recognises in pasted tool
 * output. The three digest shapes say the same thing in different tools'
 * words: the bytes received do not hash to what the descriptor promised.
 */
export type ErrorShape =
  /** containerd/BuildKit ingest: `failed commit on ref "layer-sha256:…": unexpected commit digest sha256:A, expected sha256:B: failed precondition`. */
  | "commit-digest-mismatch"
  /** The byte count differs from the descriptor: containerd `unexpected commit size N, expected M` / `failed size validation: N != M`, go-containerregistry `error verifying size`. */
  | "commit-size-mismatch"
  /** Classic dockerd puller: `filesystem layer verification failed for digest sha256:…` (and its `image config verification failed` twin). */
  | "layer-verification-failed"
  /** containers/image (skopeo, podman, buildah): `Digest did not match, expected sha256:…, got sha256:…`; also go-containerregistry's checksum error. */
  | "digest-did-not-match"
  /** The blob verified but its uncompressed content is not the diff_id the config lists (caught on unpack). */
  | "diff-id-mismatch"
  /** The body ended early or the connection broke while copying a blob. */
  | "unexpected-eof"
  | "manifest-unknown"
  | "blob-unknown"
  | "unauthorized"
  | "toomanyrequests"
  /** dockerd could not unpack a layer it downloaded: `failed to register layer: …`; the reason tells content from local storage. */
  | "layer-register-failed"
  /** The disk filled up while writing a blob or unpacking: `no space left on device`. */
  | "disk-full"
  /** The registry (or a proxy) was not reached or did not answer: TLS handshake or i/o timeouts, DNS, refused connections, x509, cancelled requests. */
  | "network"
  /** The registry or a proxy answered with a server error (5xx) or 400. */
  | "registry-error"
  /** A proxy answered with something that is not registry content, e.g. `unexpected media type text/html`. */
  | "unexpected-media-type"
  | "unknown";

/** Which program's words these are, as far as the text tells. */
export type ErrorTool = "buildkit" | "containerd" | "dockerd" | "containers-image" | "crane" | "unknown";

/** What was being written or fetched; from containerd's ref prefixes `layer-`, `config-`, `manifest-`, `index-` or the tool's own words. */
export type RefKind = "layer" | "config" | "manifest" | "index" | "unknown";

/** One recognised error in the text. */
export interface ParsedErrorMatch {
  shape: ErrorShape;
  tool?: ErrorTool;
  /** What the descriptor (or config, for diff_ids) promised. */
  expected?: Digest;
  /** What the received bytes hashed to. */
  actual?: Digest;
  /** Whether `actual` is the sha256 of zero bytes: the body was empty. */
  actualIsEmpty?: boolean;
  refKind?: RefKind;
  expectedSize?: number;
  actualSize?: number;
  /**
   * The one diff_id containerd's `wrong diff id calculated on extraction "…"`
   * names. Which one it is depends on the version: containerd 1.6 (recorded)
   * names the diff_id it calculated, the 1.7+ unpacker the one the config
   * lists; so it is neither `expected` nor `actual`.
   */
  namedDiffId?: Digest;
  /** The image the text names (as written there), when it names one. */
  imageReference?: string;
  /** The line that matched, trimmed; several lines joined when the message was wrapped. */
  matchedLine: string;
}

/** The primary error of a text and every distinct error found in it, in text order. */
export interface ParsedErrorText extends ParsedErrorMatch {
  allMatches: ParsedErrorMatch[];
}

/** A recognisable wording of one {@link ErrorShape}. */
export interface ShapePattern {
  shape: Exclude<ErrorShape, "unknown">;
  /**
   * Matched against the joined, cleaned text; global, with indices. Named
   * groups read: expected, actual, expectedSize, actualSize, ref (a
   * containerd ingest ref such as `layer-sha256:…`), media (a media type),
   * kind (words naming the blob), reference (the image), calculated (the
   * diff_id containerd names on a failed unpack).
   */
  pattern: RegExp;
  /** Whose wording this is; containerd's is reported as BuildKit's inside BuildKit output. */
  tool?: ErrorTool;
}

/**
 * The order in which shapes win when a text holds several: the most
 * telling evidence first, so a digest mismatch beats the EOF of a retry
 * before it, and a transport-level failure beats a bare status code.
 */
export const SHAPE_PRIORITY: readonly ErrorShape[] = [
  "commit-digest-mismatch",
  "digest-did-not-match",
  "layer-verification-failed",
  "commit-size-mismatch",
  "diff-id-mismatch",
  "disk-full",
  "layer-register-failed",
  "blob-unknown",
  "manifest-unknown",
  "unexpected-eof",
  "unexpected-media-type",
  "registry-error",
  "network",
  "toomanyrequests",
  "unauthorized",
  "unknown",
];
