import { createHash, type Hash } from "node:crypto";
import { DigestguardError } from "../errors/error.js";

/** A content digest such as `sha256:<64 hex>`; only {@link parseDigest} and {@link digestOf} make one. */
export type Digest = string & { readonly __brand: "Digest" };

/** The digest algorithms digestguard computes and accepts. */
export type DigestAlgorithm = "sha256" | "sha512";

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]+)$/;

/** sha256 of zero bytes: an actual digest equal to this means an empty body. */
export const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" as Digest;

/**
 * Parse and check a digest string against the OCI grammar, restricted to the
 * algorithms digestguard can verify (`sha256`, `sha512`, lowercase hex of
 * the exact length).
 *
 * @example
 * ```ts
 * const d = parseDigest("sha256:" + "a".repeat(64));
 * ```
 */
export function parseDigest(text: string): Digest {
  const match = DIGEST_PATTERN.exec(text);
  if (match === null) {
    const algorithm = text.split(":", 1)[0] ?? "";
    const why = !text.includes(":")
      ? "it has no algorithm prefix (expected sha256:<hex>)"
      : /^[a-z0-9]+([+._-][a-z0-9]+)*$/.test(algorithm) && !(algorithm in HEX_LENGTH)
        ? `algorithm "${algorithm}" is not supported (use sha256 or sha512)`
        : "it must be sha256:<64 lowercase hex> or sha512:<128 lowercase hex>";
    throw new DigestguardError("DIGEST_INVALID", `Cannot parse digest "${truncate(text)}": ${why}.`);
  }
  const algorithm = match[1] as DigestAlgorithm;
  const hex = match[2] as string;
  if (hex.length !== HEX_LENGTH[algorithm]) {
    throw new DigestguardError(
      "DIGEST_INVALID",
      `Cannot parse digest "${truncate(text)}": ${algorithm} needs ${HEX_LENGTH[algorithm]} hex characters, got ${hex.length}.`,
    );
  }
  return text as Digest;
}

/** Whether `text` is a well-formed, supported digest. */
export function isDigest(text: string): text is Digest {
  const match = DIGEST_PATTERN.exec(text);
  return match !== null && (match[2] as string).length === HEX_LENGTH[match[1] as DigestAlgorithm];
}

/** The algorithm part of a digest. */
export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(":")) as DigestAlgorithm;
}

/** The hex part of a digest; safe to use as a file name. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

/**
 * Digest of the exact bytes given.
 *
 * @example
 * ```ts
 * digestOf(new Uint8Array()) === EMPTY_SHA256; // true
 * ```
 */
export function digestOf(bytes: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}` as Digest;
}

/** An incremental hasher that yields a {@link Digest}. */
export interface DigestHasher {
  update(chunk: Uint8Array): void;
  digest(): Digest;
}

/**
 * A streaming hasher for the algorithm of `expected` (or sha256).
 *
 * @example
 * ```ts
 * const h = createDigestHasher("sha256"); h.update(chunk); h.digest();
 * ```
 */
export function createDigestHasher(algorithm: DigestAlgorithm = "sha256"): DigestHasher {
  const hash: Hash = createHash(algorithm);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => `${algorithm}:${hash.digest("hex")}` as Digest,
  };
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
