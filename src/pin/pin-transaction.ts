import { readFile, rm, stat } from "node:fs/promises";
import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import { commitStagedFiles, isErrnoCode, stageFile, writeFileAtomic, type StagedFile } from "../fs/atomic-file.js";

/** One file a pin writes: its real path, new bytes and permission bits. */
export interface PlannedWrite {
  path: string;
  content: Uint8Array | string;
  mode?: number;
}

/** How a transaction ended. */
export interface TransactionOutcome {
  /** The signal fired after the commit point; everything was written anyway. */
  interruptedAfterCommit: boolean;
}

interface Journal {
  pid: number;
  renames: StagedFile[];
}

/**
 * The journal beside a lockfile: present only between a pin's commit point
 * and the end of its renames.
 *
 * @example
 * ```ts
 * journalPath("/repo/digestguard.lock"); // "/repo/digestguard.lock.journal"
 * ```
 */
export function journalPath(lockfilePath: string): string {
  return `${lockfilePath}.journal`;
}

/**
 * Write several files as one transaction. Every new content is staged to a
 * fsynced temp file; then the journal listing the planned renames is
 * written atomically — that rename is the commit point. Before it, an abort
 * or error removes the temps and nothing was written (`ABORTED`/`IO` with
 * `details.outcome`). After it the signal is ignored, every rename is done
 * and the journal removed; if the process dies meanwhile, the next
 * {@link recoverInterruptedPin} finishes the renames from the journal.
 *
 * @example
 * ```ts
 * const { interruptedAfterCommit } = await commitTransaction(writes, { journal: journalPath(lock), signal });
 * ```
 */
export async function commitTransaction(
  writes: PlannedWrite[],
  options: { journal: string; signal?: AbortSignal },
): Promise<TransactionOutcome> {
  const staged: StagedFile[] = [];
  try {
    for (const write of writes) {
      staged.push(
        await stageFile(write.path, write.content, {
          ...(write.mode !== undefined ? { mode: write.mode } : {}),
          signal: options.signal,
        }),
      );
    }
    options.signal?.throwIfAborted();
    const journal: Journal = { pid: process.pid, renames: staged };
    await writeFileAtomic(options.journal, `${JSON.stringify(journal, null, 2)}\n`);
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true }).catch(() => undefined)));
    throw nothingWritten(error, options.signal);
  }
  await commitStagedFiles(staged);
  await rm(options.journal, { force: true });
  return { interruptedAfterCommit: options.signal?.aborted === true };
}

/**
 * Finish a pin that died after its commit point: rename every temp file the
 * journal lists that is still there, then remove the journal. Returns the
 * number of files it completed (0 when there was no journal).
 *
 * @example
 * ```ts
 * await recoverInterruptedPin(journalPath("digestguard.lock"));
 * ```
 */
export async function recoverInterruptedPin(journal: string): Promise<number> {
  let parsed: Journal;
  try {
    parsed = JSON.parse(await readFile(journal, "utf8")) as Journal;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return 0;
    // Only ever written whole by an atomic rename, so unreadable means hand-edited.
    throw new DigestguardError(
      "IO",
      `Cannot finish the interrupted pin recorded in ${journal}: ${(error as Error).message}; remove it and run pin again.`,
    );
  }
  const pending: StagedFile[] = [];
  for (const entry of parsed.renames) {
    if ((await stat(entry.temp).catch(() => undefined)) !== undefined) pending.push(entry);
  }
  await commitStagedFiles(pending);
  await rm(journal, { force: true });
  return pending.length;
}

/**
 * Whether an interrupted pin left a journal that the next pin will finish.
 *
 * @example
 * ```ts
 * if (await hasPendingJournal("digestguard.lock")) console.log("run pin to finish");
 * ```
 */
export async function hasPendingJournal(lockfilePath: string): Promise<boolean> {
  return (await stat(journalPath(lockfilePath)).catch(() => undefined)) !== undefined;
}

function nothingWritten(error: unknown, signal: AbortSignal | undefined): DigestguardError {
  const outcome = "nothing was written";
  if (signal?.aborted === true || isAborted(error)) {
    return new DigestguardError("ABORTED", `Cannot finish pin: interrupted before the commit point; ${outcome}.`, {
      cause: error,
      details: { outcome },
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new DigestguardError(
    error instanceof DigestguardError ? error.code : "IO",
    `Cannot write the pinned files: ${reason}; ${outcome}.`,
    { cause: error, details: { outcome } },
  );
}
