import { randomBytes } from "node:crypto";
import { open, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";

/** A file's new content. */
export interface FileRewrite {
  path: string;
  text: string;
}

/**
 * Rewrite several files so that either all change or none does: every new
 * content is first written and fsynced to a temp file beside its target
 * (keeping the target's permission bits; a symlink is kept and its target
 * rewritten), and only then are the temp files renamed into place. A target
 * that resolves outside `roots` is refused before anything is written.
 *
 * @example
 * ```ts
 * await writeFilesAtomically([{ path: "Dockerfile", text }], { roots: ["."] });
 * ```
 */
export async function writeFilesAtomically(rewrites: FileRewrite[], options: { roots: string[]; signal?: AbortSignal }): Promise<void> {
  const roots = await Promise.all(options.roots.map(async (root) => realpath(resolve(root)).catch(() => resolve(root))));
  const staged: { temp: string; target: string }[] = [];
  let renamed = 0;
  try {
    for (const rewrite of rewrites) {
      options.signal?.throwIfAborted();
      const target = await realpath(rewrite.path);
      if (!roots.some((root) => isInside(root, target))) {
        throw new DigestguardError("USAGE", `Cannot rewrite ${rewrite.path}: it resolves to ${target}, outside the paths given (${options.roots.join(", ")}).`);
      }
      const mode = (await stat(target)).mode & 0o7777;
      const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
      staged.push({ temp, target });
      const handle = await open(temp, "wx", mode);
      try {
        await handle.writeFile(rewrite.text, "utf8");
        await handle.chmod(mode); // the umask may have narrowed it
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const { temp, target } of staged) {
      await rename(temp, target);
      renamed++;
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    if (renamed > 0) {
      throw new DigestguardError("IO", `Cannot finish rewriting files: ${(error as Error).message}; ${renamed} of ${staged.length} were already replaced — check them with git diff.`);
    }
    if (error instanceof DigestguardError) throw error;
    const err = error as NodeJS.ErrnoException;
    if (err.name === "AbortError") throw new DigestguardError("ABORTED", "Cannot finish rewriting files: cancelled; no file was changed.");
    throw new DigestguardError("IO", `Cannot rewrite files: ${err.message}; no file was changed.`);
  }
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
