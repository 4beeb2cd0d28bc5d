import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { findUpward } from "../fs/find-upward.js";
import { parseIgnoreFile, type IgnorePattern } from "./ignore-pattern.js";

/** The files whose patterns a folder contributes, in rising precedence. */
const IGNORE_FILES = [".gitignore", ".digestguardignore"];

interface PatternsAt {
  /** Absolute folder the patterns are relative to. */
  base: string;
  patterns: IgnorePattern[];
}

/**
 * The ignore rules of a repository, as git applies them: `.git/info/exclude`,
 * then each folder's `.gitignore` and `.digestguardignore` from the repository
 * root down (deeper ones win), then the `--exclude` patterns (relative to
 * the working folder), which win over all; within each, the last matching
 * line decides. Outside a repository the rules start at the folder asked
 * about. Ignore files are read once per folder.
 *
 * @example
 * ```ts
 * const rules = await IgnoreRules.open("/repo", { exclude: ["vendor/**"] });
 * await rules.ignores("/repo/vendor/x/Dockerfile", false); // true
 * ```
 */
export class IgnoreRules {
  private readonly folders = new Map<string, Promise<PatternsAt[]>>();

  private constructor(
    private readonly root: string | undefined,
    private readonly base: PatternsAt[],
    private readonly excluded: PatternsAt,
  ) {}

  /**
   * Rules for the repository around `at` (a folder to walk); `exclude`
   * patterns are relative to `cwd` (default: the working folder).
   */
  static async open(at: string, options: { exclude?: string[]; cwd?: string } = {}): Promise<IgnoreRules> {
    const cwd = resolve(options.cwd ?? process.cwd());
    const git = (await findUpward(".git", { cwd: resolve(at) })).found;
    const root = git === undefined ? undefined : dirname(git);
    const info =
      git === undefined
        ? []
        : [{ base: root as string, patterns: parseIgnoreFile(await readText(join(git, "info", "exclude"))) }];
    return new IgnoreRules(root, info, { base: cwd, patterns: parseIgnoreFile((options.exclude ?? []).join("\n")) });
  }

  /**
   * Whether `path` (absolute) is ignored by the rules of the folders above it;
   * outside a repository only folders from `top` (where the walk began) down count.
   */
  async ignores(path: string, isDirectory: boolean, top = dirname(path)): Promise<boolean> {
    const chain = [...this.base, ...(await this.patternsFor(dirname(path), top)), this.excluded];
    let verdict = false;
    for (const { base, patterns } of chain) {
      const relativePath = relative(base, path);
      if (relativePath === "" || relativePath.startsWith("..")) continue;
      const posix = relativePath.split(sep).join("/");
      for (const pattern of patterns) if (pattern.matches(posix, isDirectory)) verdict = !pattern.negated;
    }
    return verdict;
  }

  /**
   * Whether `path` or a folder above it (below the repository root, or below
   * `top` outside a repository) is ignored: for files named explicitly.
   */
  async ignoresPathOrFolder(path: string, top: string): Promise<boolean> {
    const stop = this.root ?? top;
    const folders: string[] = [];
    for (let folder = dirname(path); folder.startsWith(stop + sep); folder = dirname(folder)) folders.unshift(folder);
    for (const folder of folders) if (await this.ignores(folder, true, top)) return true;
    return this.ignores(path, false, top);
  }

  // The patterns of `folder` and every folder above it up to the root
  // (outside a repository: up to where the walk began, `top`).
  private patternsFor(folder: string, top: string): Promise<PatternsAt[]> {
    const key = this.root === undefined ? `${top}\0${folder}` : folder;
    let cached = this.folders.get(key);
    if (cached === undefined) {
      cached = this.load(folder, top);
      this.folders.set(key, cached);
    }
    return cached;
  }

  private async load(folder: string, top: string): Promise<PatternsAt[]> {
    const atTop =
      this.root !== undefined ? folder === this.root || !folder.startsWith(this.root + sep) : folder === top;
    const parent = dirname(folder);
    const above = atTop || parent === folder ? [] : await this.patternsFor(parent, top);
    const own = await Promise.all(
      IGNORE_FILES.map(async (name) => ({
        base: folder,
        patterns: parseIgnoreFile(await readText(join(folder, name))),
      })),
    );
    return [...above, ...own.filter((at) => at.patterns.length > 0)];
  }
}

async function readText(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}
