import { constants } from "node:fs";
import { open, realpath, type FileHandle } from "node:fs/promises";
import { dirname, sep } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { fileSystemError, isErrnoCode } from "./atomic-file.js";

// O_NOFOLLOW refuses a symlink as the last path part (ELOOP); O_NONBLOCK makes
// opening a FIFO return at once instead of waiting, forever, for a writer.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Open a file for reading only if it is a regular file whose folder lies
 * inside `root`: a blob that is a FIFO, a device, a symlink (to `/dev/zero`,
 * say) or reached through a folder outside the store is refused with
 * `LAYOUT_INVALID` instead of hanging or reading something else. Missing
 * files fail with the `ENOENT` system error, for the caller to word.
 *
 * @example
 * ```ts
 * const handle = await openRegularFile(blobPath, layoutRoot, { signal });
 * ```
 */
export async function openRegularFile(
  path: string,
  root: string,
  options: { signal?: AbortSignal } = {},
): Promise<FileHandle> {
  options.signal?.throwIfAborted();
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) throw error;
    if (isErrnoCode(error, "ELOOP")) throw notRegular(path, "a symbolic link");
    throw fileSystemError("open", path, error, options.signal);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw notRegular(
        path,
        info.isFIFO() ? "a FIFO" : info.isDirectory() ? "a folder" : "a device or other special file",
      );
    await checkInside(path, root);
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Whether `path`'s folder, with every symlink resolved, lies inside `root`
 * (also resolved). Synchronous callers use {@link isInsideRoot} with paths
 * they resolved themselves.
 *
 * @example
 * ```ts
 * isInsideRoot("/srv/layout/blobs/sha256", "/srv/layout"); // true
 * ```
 */
export function isInsideRoot(resolvedDir: string, resolvedRoot: string): boolean {
  return (
    resolvedDir === resolvedRoot ||
    resolvedDir.startsWith(resolvedRoot.endsWith(sep) ? resolvedRoot : resolvedRoot + sep)
  );
}

async function checkInside(path: string, root: string): Promise<void> {
  const [dir, top] = await Promise.all([realpath(dirname(path)), realpath(root)]);
  if (!isInsideRoot(dir, top)) throw notRegular(path, `reached through a folder outside ${root} (${dir})`);
}

function notRegular(path: string, what: string): DigestguardError {
  return new DigestguardError(
    "LAYOUT_INVALID",
    `Cannot read ${path}: it is ${what.startsWith("reached") ? "" : "not a regular file but "}${what}; ` +
      "a store keeps every blob as a plain file inside its folder, so this one was not read. Remove it and copy the content in again.",
    { details: { path } },
  );
}
