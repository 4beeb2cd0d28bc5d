// Worker-thread side of the hash pool: verifies one local blob file per task
// (and with `deep` its uncompressed digest) so that several files are hashed
// on several cores at once, with a reused read buffer and no stream overhead.
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Transform } from "node:stream";
import { parentPort } from "node:worker_threads";
import { DigestguardError } from "../errors/error.js";
import { uncompressedDigest } from "./uncompressed-digest.js";

/** A file to hash, as the pool sends it. */
export interface HashTask {
  id: number;
  path: string;
  algorithm: "sha256" | "sha512";
  deep: boolean;
}

/** What the worker answers. */
export interface HashAnswer {
  id: number;
  digest?: string;
  size?: number;
  uncompressedDigest?: string;
  error?: { code?: string; message: string; details?: Record<string, unknown> };
}

const BUFFER_BYTES = 4 << 20;
const buffer = Buffer.allocUnsafe(BUFFER_BYTES);

// The store checked the file before handing it over; it may have been swapped
// since, so a FIFO or symlink is still refused here rather than hung on.
async function openRegular(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  if ((await handle.stat()).isFile()) return handle;
  await handle.close();
  throw Object.assign(new Error(`${path} is not a regular file`), { code: "ENOTREGULAR" });
}

async function hashFile(task: HashTask): Promise<HashAnswer> {
  if (task.deep) return hashFileDeep(task);
  const handle = await openRegular(task.path);
  try {
    const hash = createHash(task.algorithm);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, BUFFER_BYTES, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { id: task.id, digest: `${task.algorithm}:${hash.digest("hex")}`, size };
  } finally {
    await handle.close();
  }
}

async function hashFileDeep(task: HashTask): Promise<HashAnswer> {
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
  const file = (await openRegular(task.path)).createReadStream({ highWaterMark: 1 << 20 });
  file.on("error", (error) => hashing.destroy(error));
  file.pipe(hashing);
  try {
    const { digest } = await uncompressedDigest(hashing);
    return { id: task.id, digest: `${task.algorithm}:${hash.digest("hex")}`, size, uncompressedDigest: digest };
  } catch (error) {
    // A layer that will not decompress is only news if its compressed bytes are right.
    if (error instanceof DigestguardError && error.code === "DIFF_ID_MISMATCH") {
      return { id: task.id, digest: `${task.algorithm}:${hash.digest("hex")}`, size, error: { code: error.code, message: error.message, details: { ...error.details } } };
    }
    throw error;
  }
}

parentPort?.on("message", (task: HashTask) => {
  hashFile(task).then(
    (answer) => parentPort?.postMessage(answer),
    (error: unknown) => {
      const err = error as NodeJS.ErrnoException & { details?: Record<string, unknown> };
      parentPort?.postMessage({ id: task.id, error: { code: err.code, message: err.message ?? String(error) } } satisfies HashAnswer);
    },
  );
});
