import { readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { classifyFile, type FileKind } from "./find-references.js";
import { IgnoreRules } from "./ignore-rules.js";

export { classifyFile, findReferences, findReferencesInFile, type FileKind } from "./find-references.js";

/** Which optional kinds of file a directory walk takes. */
export interface DiscoverOptions {
  /** Take YAML files that may be Kubernetes manifests. */
  kubernetes?: boolean;
  /** Take `.github/workflows/*.y(a)ml`. */
  workflows?: boolean;
  /** Gitignore-style patterns, relative to the working folder, of paths to leave out (`--exclude`). */
  exclude?: string[];
  signal?: AbortSignal;
}

// Never the project's own files: dependencies and version-control internals.
const SKIPPED_FOLDERS = new Set(["node_modules", ".git"]);

/**
 * The files to look for image references in. Directories are walked (except
 * `node_modules` and `.git`; symlinked directories are not entered, so a
 * link cannot lead the walk in circles or out of the tree) and give their
 * Dockerfiles and compose files, plus workflows and Kubernetes candidates
 * when asked for. Files named explicitly are taken whatever their name.
 * Paths ignored by the repository's `.gitignore`s and `.digestguardignore`s
 * or by `exclude` are left out, named explicitly or not (see {@link IgnoreRules}).
 * Symlinked files are followed, and a file reached by two paths is listed
 * once, under the first path in sorted order. Throws `IO` for a path that
 * cannot be read, `ABORTED` when the signal fires.
 *
 * @example
 * ```ts
 * await discoverFiles(["."], { workflows: true });
 * // ["Dockerfile", "compose.yaml", ".github/workflows/ci.yml", …] (sorted)
 * ```
 */
export async function discoverFiles(paths: string[], options: DiscoverOptions = {}): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths) {
    const info = await statOrThrow(path);
    const top = info.isDirectory() ? resolve(path) : dirname(resolve(path));
    const rules = await IgnoreRules.open(top, { exclude: options.exclude });
    if (info.isDirectory()) await walk(path, { ...options, rules, top }, found);
    else if (!(await rules.ignoresPathOrFolder(resolve(path), top))) found.add(path);
  }
  return onePathPerFile([...found].sort());
}

interface Walk extends DiscoverOptions {
  rules: IgnoreRules;
  /** Where this walk began: outside a repository, ignore files above it do not count. */
  top: string;
}

async function walk(folder: string, options: Walk, found: Set<string>): Promise<void> {
  if (options.signal?.aborted)
    throw new DigestguardError("ABORTED", `Cannot finish looking for files in ${folder}: aborted.`);
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw ioError(folder, error);
  });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !(await options.rules.ignores(resolve(path), true, options.top)))
        await walk(path, options, found);
      continue;
    }
    const isFile =
      entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile() === true);
    if (
      isFile &&
      wanted(classifyFile(path), options) &&
      !(await options.rules.ignores(resolve(path), false, options.top))
    )
      found.add(path);
  }
}

function wanted(kind: FileKind | undefined, options: DiscoverOptions): boolean {
  if (kind === "kubernetes") return options.kubernetes === true;
  if (kind === "workflow") return options.workflows === true;
  return kind !== undefined;
}

async function onePathPerFile(sorted: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const path of sorted) {
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) continue;
    seen.add(real);
    kept.push(path);
  }
  return kept;
}

async function statOrThrow(path: string): Promise<import("node:fs").Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw ioError(path, error);
  }
}

function ioError(path: string, error: unknown): DigestguardError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === "ENOENT" ? "it does not exist" : code === "EACCES" ? "permission denied" : String(error);
  return new DigestguardError("IO", `Cannot look for files in ${path}: ${reason}.`, { cause: error });
}
