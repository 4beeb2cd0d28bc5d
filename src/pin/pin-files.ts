import { readlink, realpath } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { withFileLock } from "../fs/file-lock.js";
import { serializeLockfile } from "../lockfile/lockfile.js";
import { isErrnoCode } from "../fs/atomic-file.js";
import { removeLeftoverTemps } from "./leftover-temps.js";

const PIN_LOCK_TIMES = { staleMs: 10 * 60_000, maxWaitMs: 10 * 60_000 };
import { planPin } from "./plan-pin.js";
import type { PinFilesOptions, PinReport } from "./pin-report.js";
import { commitTransaction, journalPath, recoverInterruptedPin } from "./pin-transaction.js";
import { planFileWrites } from "./write-files.js";

export type { PinFilesOptions, PinnedReference, PinProblem, PinReport } from "./pin-report.js";

/**
 * Pin every image reference under `paths` to `tag@digest`, changing nothing
 * else in the files byte for byte, and write the whole digest tree of every
 * image to the lockfile — files and lockfile as one transaction (see
 * {@link commitTransaction}), under an advisory lock beside the lockfile so
 * concurrent runs merge instead of overwriting each other. A run first
 * finishes a pin that was killed after its commit point and removes temp
 * files dead writers left. An abort before the commit point throws
 * `ABORTED` with `details.outcome` "nothing was written"; after it the
 * report says `interrupted: "after-commit"`.
 *
 * @example
 * ```ts
 * const report = await pinFiles({ paths: ["."], lockfilePath: "digestguard.lock", open });
 * ```
 */
export async function pinFiles(options: PinFilesOptions): Promise<PinReport> {
  const lockfilePath = await throughSymlink(options.lockfilePath);
  if (options.dryRun) return (await planPin(options, lockfilePath)).report;
  try {
    // A pin holds the lock across its registry lookups, which can take minutes: neither waiters nor takeovers may be quick.
    return await withFileLock(`${lockfilePath}.lock`, () => pinUnderLock(options, lockfilePath), {
      signal: options.signal,
      ...PIN_LOCK_TIMES,
    });
  } catch (error) {
    if (error instanceof DigestguardError && error.details.outcome !== undefined) throw error;
    if (options.signal?.aborted !== true) throw error;
    throw new DigestguardError(
      "ABORTED",
      "Cannot finish pin: interrupted before the commit point; nothing was written.",
      { cause: error, details: { outcome: "nothing was written" } },
    );
  }
}

async function pinUnderLock(options: PinFilesOptions, lockfilePath: string): Promise<PinReport> {
  const journal = journalPath(lockfilePath);
  await recoverInterruptedPin(journal);
  const plan = await planPin(options, lockfilePath);
  await removeLeftoverTemps([...plan.files.map((file) => file.path), lockfilePath, journal]);
  const writes = await planFileWrites(plan.rewrites, { roots: options.paths });
  writes.push({ path: lockfilePath, content: serializeLockfile(plan.lock) });
  const outcome = await commitTransaction(writes, { journal, signal: options.signal });
  return outcome.interruptedAfterCommit ? { ...plan.report, interrupted: "after-commit" } : plan.report;
}

// A symlinked lockfile is written through: the link stays, its target changes.
async function throughSymlink(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) throw error;
    const link = await readlink(path).catch(() => undefined);
    return link === undefined ? path : resolve(dirname(path), link);
  }
}
