import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * A source file as the lockfile records it: relative to the lockfile's
 * folder, with `/` separators. Relative to the lockfile, not to wherever pin
 * ran, so teammates who pin from different folders write the same lockfile,
 * and check finds the files from any folder. A file outside the lockfile's
 * folder keeps its `../` path.
 *
 * @example
 * ```ts
 * lockSourcePath("/repo", "svc/api/Dockerfile"); // "svc/api/Dockerfile" (run in /repo)
 * lockSourcePath("/repo", "Dockerfile"); // "svc/Dockerfile" (run in /repo/svc)
 * ```
 */
export function lockSourcePath(lockDir: string, file: string): string {
  return relative(lockDir, resolve(file)).split(sep).join("/");
}

/**
 * Where a lockfile source is on disk. Lockfiles written before sources were
 * relative to the lockfile's folder hold paths relative to the folder pin ran
 * in — the same folder whenever the lockfile was the default
 * `./digestguard.lock` — so a source missing beside the lockfile is looked
 * for from the working folder too. Undefined when neither exists.
 *
 * @example
 * ```ts
 * sourceFileOnDisk("/repo", "svc/Dockerfile"); // "/repo/svc/Dockerfile"
 * ```
 */
export function sourceFileOnDisk(lockDir: string, file: string, cwd = process.cwd()): string | undefined {
  const candidates = isAbsolute(file) ? [file] : [resolve(lockDir, file), resolve(cwd, file)];
  return candidates.find((path) => existsSync(path));
}
