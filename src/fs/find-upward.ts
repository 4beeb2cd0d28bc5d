import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** Where an upward search for a project file ended. */
export interface UpwardSearch {
  /** Absolute path of the file, when some folder on the way holds it. */
  found?: string;
  /** The repository root (the folder holding `.git`), when the search reached one. */
  repositoryRoot?: string;
}

/**
 * Look for `name` in `cwd` and each folder above it, the way git and other
 * repository tools find their files: the search stops at the repository root
 * (the first folder holding `.git`, a folder or a worktree's file) or at the
 * filesystem root, so a file outside the repository is never picked up.
 *
 * @example
 * ```ts
 * await findUpward("digestguard.lock", { cwd: "/repo/svc/api" });
 * // { found: "/repo/digestguard.lock", repositoryRoot: "/repo" }
 * ```
 */
export async function findUpward(name: string, options: { cwd?: string } = {}): Promise<UpwardSearch> {
  let folder = resolve(options.cwd ?? process.cwd());
  for (;;) {
    if (await exists(join(folder, name)))
      return { found: join(folder, name), ...((await exists(join(folder, ".git"))) ? { repositoryRoot: folder } : {}) };
    if (await exists(join(folder, ".git"))) return { repositoryRoot: folder };
    const parent = dirname(folder);
    if (parent === folder) return {};
    folder = parent;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
