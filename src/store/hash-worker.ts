// Worker-thread side of the hash pool: verifies one local blob file per task
// (and with `deep` its uncompressed digest) so that several files are hashed
// on several cores at once, with a reused read buffer and no stream overhead.
// Every worker pays for its imports at start-up, so it loads crypto and fs
// only: the decompressing half is imported with the first `deep` task.
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { HashAnswer, HashTask } from "./hash-task.js";

const BUFFER_BYTES = 4 << 20;
let buffer: Buffer | undefined;

// The store checked the file before handing it over; it may have been swapped
// since, so a FIFO or symlink is still refused here rather than hung on.
function openRegular(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  if (fstatSync(fd).isFile()) return fd;
  closeSync(fd);
  throw Object.assign(new Error(`${path} is not a regular file`), { code: "ENOTREGULAR" });
}

// Synchronous reads: this thread has nothing else to do meanwhile, and a
// page-cache read costs less than a hop through libuv's thread pool.
function hashFile(task: HashTask): HashAnswer {
  const fd = openRegular(task.path);
  try {
    const hash = createHash(task.algorithm);
    const read = (buffer ??= Buffer.allocUnsafe(BUFFER_BYTES));
    let size = 0;
    for (
      let got = readSync(fd, read, 0, BUFFER_BYTES, null);
      got > 0;
      got = readSync(fd, read, 0, BUFFER_BYTES, null)
    ) {
      hash.update(got === BUFFER_BYTES ? read : read.subarray(0, got));
      size += got;
    }
    return { id: task.id, digest: `${task.algorithm}:${hash.digest("hex")}`, size };
  } finally {
    closeSync(fd);
  }
}

async function hashFileDeep(task: HashTask): Promise<HashAnswer> {
  const { hashFileDeep: deep } = await import("./hash-worker-deep.js");
  return deep(task, openRegular(task.path));
}

function answerError(id: number, error: unknown): void {
  const err = error as NodeJS.ErrnoException;
  parentPort?.postMessage({
    id,
    error: { code: err.code, message: err.message ?? String(error) },
  } satisfies HashAnswer);
}

parentPort?.on("message", (task: HashTask) => {
  if (task.deep) {
    hashFileDeep(task).then(
      (answer) => parentPort?.postMessage(answer),
      (error: unknown) => answerError(task.id, error),
    );
    return;
  }
  try {
    parentPort?.postMessage(hashFile(task));
  } catch (error) {
    answerError(task.id, error);
  }
});
