import { randomBytes } from "node:crypto";
import { open, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable, Writable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestguardError } from "../errors/error.js";

/** Options for the atomic writers. */
export interface AtomicWriteOptions {
  signal?: AbortSignal;
  /** Permission bits of the new file (before the umask); default 0o666. */
  mode?: number;
}

/**
 * Write a whole file so that readers see either the old content or the new
 * one, never a mix: the bytes go to `.<name>.<random>.tmp` in the same
 * folder, are fsynced, renamed over `path`, and the folder is fsynced so the
 * rename survives a crash. On any error or abort the temp file is removed and
 * `path` is left untouched.
 *
 * @example
 * ```ts
 * await writeFileAtomic("layout/index.json", JSON.stringify(index), { signal });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  content: Uint8Array | string | Readable,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (content instanceof Readable) return writeStreamAtomic(path, content, undefined, options);
  await commitThroughTempFile(path, options, (temp, mode) =>
    writeFile(temp, content, { flag: "wx", mode, flush: true, signal: options.signal }),
  );
}

/**
 * Stream `source` into `path` atomically, optionally through `verify` (such
 * as a {@link verifyingStream}); the file becomes visible only if every
 * stream in the chain ends normally. This is how blobs are stored: a blob
 * whose bytes do not match its descriptor never appears under its name.
 *
 * @example
 * ```ts
 * await writeStreamAtomic(blobPath, body, verifyingStream(descriptor), { signal });
 * ```
 */
export async function writeStreamAtomic(
  path: string,
  source: Readable,
  verify: Transform | undefined,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await commitThroughTempFile(path, options, async (temp, mode) => {
    // The file is opened here, not by the stream: a stream destroyed while
    // still opening creates its file after the failed write was cleaned up.
    const handle = await open(temp, "wx", mode);
    try {
      const sink = new Writable({
        highWaterMark: 1 << 20,
        write: (chunk: Buffer, _encoding, callback) => void handle.write(chunk).then(() => callback(), callback),
      });
      const signalOption = options.signal === undefined ? {} : { signal: options.signal };
      if (verify === undefined) await pipeline(source, sink, signalOption);
      else await pipeline(source, verify, sink, signalOption);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** A complete, fsynced temp file waiting to be renamed over its target. */
export interface StagedFile {
  temp: string;
  target: string;
}

/**
 * First half of an atomic write, for callers that must change several files
 * together: write `content` to `.<name>.<pid>-<random>.tmp` beside `path`
 * and fsync it, leaving `path` untouched. `mode` is applied exactly (the
 * umask does not narrow it). The writer's pid in the name lets a later run
 * tell a dead writer's leftovers from a live writer's work in progress.
 * Finish with {@link commitStagedFiles}; on error the temp file is removed.
 *
 * @example
 * ```ts
 * const staged = [await stageFile("Dockerfile", bytes), await stageFile("digestguard.lock", text)];
 * await commitStagedFiles(staged);
 * ```
 */
export async function stageFile(
  path: string,
  content: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<StagedFile> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  try {
    options.signal?.throwIfAborted();
    const handle = await open(temp, "wx", options.mode ?? 0o666);
    try {
      await handle.writeFile(content);
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, error, options.signal);
  }
  return { temp, target: path };
}

/**
 * Second half of an atomic write: rename every staged file over its target,
 * in order, then fsync each folder once so the renames survive a crash.
 * Takes no signal on purpose: once begun, stopping half-way is the one
 * outcome worse than either finishing or never starting.
 *
 * @example
 * ```ts
 * await commitStagedFiles([await stageFile("Dockerfile", bytes)]);
 * ```
 */
export async function commitStagedFiles(staged: readonly StagedFile[]): Promise<void> {
  for (const { temp, target } of staged) {
    try {
      await rename(temp, target);
    } catch (error) {
      throw fileSystemError("rename into place", target, error);
    }
  }
  for (const directory of new Set(staged.map(({ target }) => dirname(target)))) await syncDirectory(directory);
}

async function commitThroughTempFile(
  path: string,
  options: AtomicWriteOptions,
  write: (temp: string, mode: number) => Promise<void>,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    options.signal?.throwIfAborted();
    await write(temp, options.mode ?? 0o666);
    // Last moment to back out: after the rename the new content is the file.
    options.signal?.throwIfAborted();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, error, options.signal);
  }
  await syncDirectory(dirname(path));
}

/**
 * Fsync a folder so that a rename, link or unlink inside it survives a
 * crash (POSIX only promises that once the folder itself is synced). File
 * systems that refuse fsync on a folder are tolerated.
 *
 * @example
 * ```ts
 * await rename(temp, finalPath);
 * await syncDirectory(dirname(finalPath));
 * ```
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory; the rename has happened either way.
    if (!isErrnoCode(error, "EINVAL") && !isErrnoCode(error, "EISDIR"))
      throw fileSystemError("sync folder", directory, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function writeError(path: string, error: unknown, signal: AbortSignal | undefined): DigestguardError {
  return error instanceof DigestguardError ? error : fileSystemError("write", path, error, signal);
}

/**
 * Turn a Node file-system error into a {@link DigestguardError}: `ABORTED`
 * when `signal` fired (or the error is an `AbortError`), otherwise `IO` with
 * a message naming the operation, the path and the system's reason.
 *
 * @example
 * ```ts
 * try { await readFile(path, { signal }) } catch (e) { throw fileSystemError("read", path, e, signal) }
 * ```
 */
export function fileSystemError(action: string, path: string, error: unknown, signal?: AbortSignal): DigestguardError {
  if (signal?.aborted === true || (error as Error | null)?.name === "AbortError") {
    return new DigestguardError("ABORTED", `Cannot ${action} ${path}: the operation was aborted.`, { cause: error });
  }
  const code = errnoCode(error);
  const reason =
    code === undefined ? String((error as Error | null)?.message ?? error) : `${code} (${(error as Error).message})`;
  const hint =
    code === "EACCES" || code === "EPERM"
      ? "check the permissions of the folder"
      : code === "ENOSPC" || code === "EDQUOT"
        ? "free some disk space and retry"
        : "check that the path exists and is writable";
  return new DigestguardError("IO", `Cannot ${action} ${path}: ${reason}; ${hint}.`, {
    cause: error,
    details: { path, errno: code },
  });
}

/**
 * Whether `error` is a Node system error with the given `code` (such as `ENOENT`).
 *
 * @example
 * ```ts
 * try { await stat(path) } catch (e) { if (isErrnoCode(e, "ENOENT")) return undefined; throw e }
 * ```
 */
export function isErrnoCode(error: unknown, code: string): boolean {
  return errnoCode(error) === code;
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
