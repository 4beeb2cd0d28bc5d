import { randomBytes } from "node:crypto";
import { link, open, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { DigestguardError } from "../errors/error.js";
import { fileSystemError, isErrnoCode } from "./atomic-file.js";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  signal?: AbortSignal;
  /** A lock older than this is taken over even if its owner seems alive; default 60 s. */
  staleMs?: number;
  /** Give up waiting after this long; default 30 s. */
  maxWaitMs?: number;
}

/** What a lock file holds: who took it, where, and when. */
export interface LockOwner {
  pid: number;
  hostname: string;
  acquiredAt: number;
  token: string;
}

/**
 * Run `fn` while holding an advisory lock on `lockPath`, for processes on
 * one machine (or one shared folder) that rewrite the same file. The lock
 * is a file created exclusively with the owner's pid, host name and time
 * inside; a lock whose owner is dead on this host, or that is older than
 * `staleMs`, is taken over. Waiting backs off in small random steps and
 * gives up after `maxWaitMs` with an `IO` error naming the owner. The lock
 * is removed afterwards, whether `fn` succeeded or threw.
 *
 * @example
 * ```ts
 * await withFileLock(join(root, "refs.json.lock"), async () => {
 *   const refs = await readRefs(root); // re-read inside the lock, then merge and write
 * }, { signal });
 * ```
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const owner = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await releaseLock(lockPath, owner);
  }
}

/**
 * Whether process `pid` exists on this machine. A process of another user
 * counts as alive (EPERM): only "no such process" proves it is gone.
 *
 * @example
 * ```ts
 * if (!isProcessAlive(owner.pid)) takeOver();
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrnoCode(error, "ESRCH");
  }
}

async function acquireLock(lockPath: string, options: FileLockOptions): Promise<LockOwner> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: Date.now(),
    token: randomBytes(8).toString("hex"),
  };
  const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw fileSystemError("lock", lockPath, options.signal.reason, options.signal);
    owner.acquiredAt = Date.now();
    if (await tryCreate(lockPath, owner)) return owner;
    const holder = await readOwner(lockPath);
    if (holder !== undefined && isStale(holder, options.staleMs ?? 60_000)) {
      await breakStaleLock(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(lockPath, holder);
    // Small random steps: waiters that woke together do not collide again.
    await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()), undefined, {
      signal: options.signal,
    }).catch((error: unknown) => {
      throw fileSystemError("lock", lockPath, error, options.signal);
    });
  }
}

// The owner is written to a private file first and hard-linked into place,
// so no one ever reads a half-written lock; link fails with EEXIST when held.
async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const temp = `${lockPath}.${owner.token}.tmp`;
  await writeFile(temp, JSON.stringify(owner), { flag: "wx" }).catch((error: unknown) => {
    throw fileSystemError("lock", lockPath, error);
  });
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    if (isErrnoCode(error, "EEXIST")) return false;
    if (isErrnoCode(error, "EPERM") || isErrnoCode(error, "ENOTSUP")) return createExclusive(lockPath, owner);
    throw fileSystemError("lock", lockPath, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

// For file systems without hard links: exclusive create, then write.
async function createExclusive(lockPath: string, owner: LockOwner): Promise<boolean> {
  const handle = await open(lockPath, "wx").catch((error: unknown) => {
    if (isErrnoCode(error, "EEXIST")) return undefined;
    throw fileSystemError("lock", lockPath, error);
  });
  if (handle === undefined) return false;
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, "utf8")) as Partial<LockOwner>;
    if (
      typeof parsed.pid === "number" &&
      typeof parsed.hostname === "string" &&
      typeof parsed.acquiredAt === "number" &&
      typeof parsed.token === "string"
    ) {
      return parsed as LockOwner;
    }
  } catch {
    // Gone already, or written by a file system without links: judged by its age below.
  }
  const info = await stat(lockPath).catch(() => undefined);
  return info === undefined ? undefined : { pid: 0, hostname: "", acquiredAt: info.mtimeMs, token: "" };
}

function isStale(holder: LockOwner, staleMs: number): boolean {
  if (Date.now() - holder.acquiredAt > staleMs) return true;
  return holder.hostname === hostname() && holder.pid !== 0 && !isProcessAlive(holder.pid);
}

// Two waiters may judge the same lock stale at once; the second must not
// delete the fresh lock the first has just made. A short-lived breaker lock
// serialises them, and the lock is removed only if it still holds the owner
// that was judged stale.
async function breakStaleLock(lockPath: string, stale: LockOwner): Promise<void> {
  const breaker = `${lockPath}.break`;
  const handle = await open(breaker, "wx").catch(async (error: unknown) => {
    if (!isErrnoCode(error, "EEXIST")) throw fileSystemError("lock", breaker, error);
    // A breaker that died mid-break leaves its file: old ones are cleared.
    const info = await stat(breaker).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > 5_000) await unlink(breaker).catch(() => undefined);
    return undefined;
  });
  if (handle === undefined) return;
  try {
    const current = await readOwner(lockPath);
    if (current !== undefined && current.token === stale.token && current.acquiredAt === stale.acquiredAt)
      await unlink(lockPath).catch(() => undefined);
  } finally {
    await handle.close();
    await unlink(breaker).catch(() => undefined);
  }
}

async function releaseLock(lockPath: string, owner: LockOwner): Promise<void> {
  const current = await readOwner(lockPath);
  // Taken over as stale while we held it: the file is someone else's now.
  if (current?.token !== owner.token) return;
  await unlink(lockPath).catch(() => undefined);
}

function lockTimeout(lockPath: string, holder: LockOwner | undefined): DigestguardError {
  const who =
    holder === undefined || holder.pid === 0
      ? "another process"
      : `process ${holder.pid} on ${holder.hostname} (since ${new Date(holder.acquiredAt).toISOString()})`;
  return new DigestguardError(
    "IO",
    `Cannot lock ${lockPath}: it is held by ${who}; wait for it to finish, or delete the file if that process is gone.`,
    {
      details: { path: lockPath, ...(holder?.pid ? { pid: holder.pid, hostname: holder.hostname } : {}) },
    },
  );
}
