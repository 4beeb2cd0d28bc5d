import { execFile } from "node:child_process";
import { basename, dirname, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { parseLockfile } from "../lockfile/lockfile.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";

/** One committed version of the lockfile. */
export interface LockfileVersion {
  commit: string;
  /** Committer date, ISO 8601. */
  date: string;
  lock: Lockfile;
}

/** The lockfile's committed versions, newest first, or why there are none. */
export interface LockfileHistory {
  versions: LockfileVersion[];
  /** Set when git could not be asked: not a repository, git missing, timed out. */
  unavailable?: string;
  /** Versions that could not be read or parsed (an older format, a broken commit). */
  skipped: number;
}

/** Bounds for {@link readLockfileHistory}. */
export interface LockfileHistoryOptions {
  /** Commits examined at most; default 20. */
  maxCommits?: number;
  /** Bytes of one lockfile version read at most; default 8 MiB. */
  maxBytes?: number;
  /** Each git call is killed after this long; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Read the lockfile's committed versions from git (following renames),
 * newest first: `git log --follow` names the commits and the path at each,
 * `git show <commit>:<path>` reads each version, parsed with the lockfile's
 * own parser. No shell; every call is bounded in time and output, and at
 * most `maxCommits` commits are read. Outside a repository, without git, or
 * for a lockfile git never saw, `versions` is empty and `unavailable` (or
 * nothing, for an untracked file) says why.
 *
 * @example
 * ```ts
 * const history = await readLockfileHistory("digestguard.lock", { maxCommits: 10 });
 * for (const v of history.versions) console.log(v.commit, v.lock.images.length);
 * ```
 */
export async function readLockfileHistory(
  path: string,
  options: LockfileHistoryOptions = {},
): Promise<LockfileHistory> {
  const cwd = dirname(resolve(path));
  const log = await git(
    [
      "log",
      "-z",
      `-n${options.maxCommits ?? 20}`,
      "--format=%H%x09%cI",
      "--name-only",
      "--follow",
      "--",
      basename(path),
    ],
    cwd,
    1 << 20,
    options,
  );
  if ("failure" in log) return { versions: [], unavailable: log.failure, skipped: 0 };
  const history: LockfileHistory = { versions: [], skipped: 0 };
  for (const entry of parseLogEntries(log.stdout)) {
    // `git show rev:path` takes the path from the repository's top, as `git log --name-only` prints it.
    const shown = await git(["show", `${entry.commit}:${entry.path}`], cwd, options.maxBytes ?? 8 << 20, options);
    try {
      if ("failure" in shown) throw new Error(shown.failure);
      history.versions.push({
        commit: entry.commit,
        date: entry.date,
        lock: parseLockfile(shown.stdout, `${entry.path} at ${entry.commit.slice(0, 12)}`),
      });
    } catch {
      history.skipped += 1;
    }
  }
  return history;
}

/** `hash\tdate\0\npath\0` per commit, as `git log -z --name-only` prints it. */
function parseLogEntries(stdout: string): { commit: string; date: string; path: string }[] {
  const tokens = stdout.split("\0");
  const entries: { commit: string; date: string; path: string }[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const [commit, date] = (tokens[i] as string).trim().split("\t");
    const path = (tokens[i + 1] as string).trim();
    if (commit !== undefined && /^[0-9a-f]{40,64}$/.test(commit) && date !== undefined && path !== "")
      entries.push({ commit, date, path });
  }
  return entries;
}

function git(
  args: string[],
  cwd: string,
  maxBuffer: number,
  options: LockfileHistoryOptions,
): Promise<{ stdout: string } | { failure: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      "git",
      ["-c", "core.quotePath=false", ...args],
      {
        cwd,
        maxBuffer,
        timeout: options.timeoutMs ?? 10_000,
        signal: options.signal,
        encoding: "utf8",
        // Never a pager, a credential prompt or the user's own git hooks into the answer.
        env: { ...process.env, GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (error === null) return resolvePromise({ stdout });
        if (options.signal?.aborted)
          return reject(new DigestguardError("ABORTED", "Cannot read the lockfile's git history: interrupted."));
        resolvePromise({ failure: gitFailure(error, stderr) });
      },
    );
  });
}

function gitFailure(
  error: { code?: string | number | null; killed?: boolean; message: string },
  stderr: string,
): string {
  if (error.code === "ENOENT") return "git is not installed or not on PATH";
  if (error.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return "git's answer was larger than the bound";
  if (error.killed === true) return "git did not answer in time";
  if (/not a git repository/i.test(stderr)) return "the lockfile is not in a git repository";
  return `git failed: ${stderr.trim().split("\n")[0]?.slice(0, 200) ?? error.message}`;
}
