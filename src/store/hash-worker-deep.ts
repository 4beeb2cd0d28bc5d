// The `deep` half of the hash worker, loaded only when a deep task comes:
// decompression pulls in streams, zlib and the zstd decoder, which a plain
// hash of a file does not need.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { HashAnswer, HashTask } from "./hash-task.js";
import { uncompressedDigest } from "./uncompressed-digest.js";

/**
 * Hash the open file `fd` and its decompressed content in one pass; a layer
 * that will not decompress is answered as such only if its compressed bytes
 * are right.
 *
 * @example
 * ```ts
 * const answer = await hashFileDeep(task, openSync(task.path, "r"));
 * ```
 */
export async function hashFileDeep(task: HashTask, fd: number): Promise<HashAnswer> {
  const hash = createHash(task.algorithm);
  let size = 0;
  const hashing = new Transform({
    readableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const file = createReadStream("", { fd, highWaterMark: 1 << 20 });
  file.on("error", (error) => hashing.destroy(error));
  file.pipe(hashing);
  try {
    const { digest } = await uncompressedDigest(hashing);
    return { id: task.id, digest: `${task.algorithm}:${hash.digest("hex")}`, size, uncompressedDigest: digest };
  } catch (error) {
    if (error instanceof DigestguardError && error.code === "DIFF_ID_MISMATCH") {
      return {
        id: task.id,
        digest: `${task.algorithm}:${hash.digest("hex")}`,
        size,
        error: { code: error.code, message: error.message, details: { ...error.details } },
      };
    }
    throw error;
  } finally {
    file.destroy();
  }
}
