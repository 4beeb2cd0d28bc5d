import { Transform, type TransformCallback } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import { createDigestHasher, digestAlgorithm, EMPTY_SHA256, type Digest } from "./digest.js";

/** What a verifying stream checks bytes against. */
export interface ExpectedContent {
  digest: Digest;
  size: number;
}

/**
 * A pass-through stream that hashes and counts every byte and fails — never
 * ends normally — when the content does not match: too many bytes as soon as
 * they arrive, too few or a different digest at the end. Size is checked
 * before the digest, as containerd does, so the error says which one broke.
 *
 * @example
 * ```ts
 * await pipeline(body, verifyingStream({ digest, size }), createWriteStream(tmp));
 * ```
 */
export function verifyingStream(expected: ExpectedContent, options: { what?: string } = {}): Transform {
  const hasher = createDigestHasher(digestAlgorithm(expected.digest));
  const what = options.what ?? `blob ${expected.digest}`;
  let received = 0;
  return new Transform({
    // Large buffers matter: hashing 64 KiB chunks is markedly slower than 1 MiB ones.
    readableHighWaterMark: 1 << 20,
    writableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > expected.size) {
        callback(contentMismatchError("SIZE_MISMATCH", what, expected, received, undefined));
        return;
      }
      hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (received !== expected.size) {
        callback(contentMismatchError("SIZE_MISMATCH", what, expected, received, undefined));
        return;
      }
      const actual = hasher.digest();
      if (actual !== expected.digest) {
        callback(contentMismatchError("DIGEST_MISMATCH", what, expected, received, actual));
        return;
      }
      callback();
    },
  });
}

/**
 * Check a fully received byte array against its descriptor (for manifests and
 * other small documents that are read whole).
 */
export function verifyBytes(bytes: Uint8Array, expected: ExpectedContent, what: string, actual: Digest): void {
  if (bytes.length !== expected.size)
    throw contentMismatchError("SIZE_MISMATCH", what, expected, bytes.length, undefined);
  if (actual !== expected.digest) throw contentMismatchError("DIGEST_MISMATCH", what, expected, bytes.length, actual);
}

/**
 * The typed error for content that does not match its descriptor, with the
 * details reports and `diagnose` read: expected/actual digest, expected size,
 * bytes received. A short read is marked temporary (a resumable condition).
 */
export function contentMismatchError(
  code: "SIZE_MISMATCH" | "DIGEST_MISMATCH",
  what: string,
  expected: ExpectedContent,
  received: number,
  actual: Digest | undefined,
): DigestguardError {
  const details = { expectedDigest: expected.digest, expectedSize: expected.size, received, actualDigest: actual };
  if (code === "DIGEST_MISMATCH") {
    const empty = actual === EMPTY_SHA256 ? " (the hash of zero bytes: an empty body)" : "";
    return new DigestguardError(
      code,
      `Cannot accept ${what}: content differs although the size is right; expected ${expected.digest}, got ${actual}${empty}.`,
      { details },
    );
  }
  const how =
    received > expected.size
      ? `more bytes than declared (${received}+ of ${expected.size})`
      : received === 0
        ? `an empty body (0 of ${expected.size} bytes)`
        : `a truncated body (${received} of ${expected.size} bytes)`;
  return new DigestguardError(code, `Cannot accept ${what}: ${how}.`, { details, temporary: received < expected.size });
}
