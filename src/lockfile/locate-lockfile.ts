import { join, relative, resolve } from "node:path";
import { findUpward } from "../fs/find-upward.js";
import { LOCKFILE_NAME } from "./lockfile.js";

/**
 * The lockfile a command run in `cwd` uses when none is named: the nearest
 * `digestguard.lock` in `cwd` or a folder above it, up to the repository
 * root; else a new one at the repository root; else `./digestguard.lock`.
 * So `pin` run in a subfolder updates the repository's lockfile instead of
 * starting a second one. Given relative to `cwd`, as messages show it.
 *
 * @example
 * ```ts
 * await locateLockfile({ cwd: "/repo/svc" }); // "../digestguard.lock"
 * ```
 */
export async function locateLockfile(options: { cwd?: string } = {}): Promise<string> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { found, repositoryRoot } = await findUpward(LOCKFILE_NAME, { cwd });
  const path = found ?? (repositoryRoot !== undefined ? join(repositoryRoot, LOCKFILE_NAME) : undefined);
  return path === undefined ? LOCKFILE_NAME : relative(cwd, path);
}
