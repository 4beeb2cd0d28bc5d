import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { DigestguardError } from "../errors/error.js";
import { isErrnoCode } from "../store/atomic-file.js";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  signal?: AbortSignal;
  /** A lock older than this is taken over even if its holder seems alive (default 10 minutes). */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  time: number;
}

/**
 * Run `fn` while holding an advisory lock: the lock file at `path` is created
 * with O_EXCL and holds the owner's pid, host and start time. A lock whose
 * owner on this host is dead, or that is older than `staleMs`, is taken
 * over; otherwise the call waits (polling) until the lock is free or
 * `signal` fires (`ABORTED`). The lock file is removed when `fn` settles.
 *
 * @example
 * ```ts
 * await withFileLock("digestguard.lock.lock", () => writeLockfile(path, lock), { signal });
 * ```
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 10 * 60_000;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    if (options.signal?.aborted) throw new DigestguardError("ABORTED", `Cannot take the lock ${path}: cancelled while waiting for it.`);
    if (await tryCreate(path)) break;
    if (await isStale(path, staleMs)) {
      // Two waiters may both see it stale; O_EXCL on the next try lets only one win.
      await rm(path, { force: true });
      continue;
    }
    await sleep(wait).catch(() => undefined);
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    const owner: LockOwner = { pid: process.pid, host: hostname(), time: Date.now() };
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if (isErrnoCode(error, "EEXIST")) return false;
    throw new DigestguardError("IO", `Cannot create the lock ${path}: ${(error as Error).message}; check that its folder is writable.`, { cause: error });
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.time === "number" ? (owner as LockOwner) : undefined;
  } catch {
    return undefined; // gone, or being written right now: decide on the next round
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  const owner = await readOwner(path);
  // A holder killed between creating the file and writing its name leaves it empty.
  if (owner === undefined) return Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now()) > 2000;
  if (Date.now() - owner.time > staleMs) return true;
  return owner.host === hostname() && !isProcessAlive(owner.pid);
}

/**
 * Whether a process with this pid exists on this machine.
 *
 * @example
 * ```ts
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrnoCode(error, "ESRCH");
  }
}
