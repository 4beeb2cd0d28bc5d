import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import type { PlannedWrite } from "./pin-transaction.js";

/** A file's new content, as bytes or as text in the file's own encoding. */
export interface FileRewrite {
  path: string;
  text: string;
  /** How `text` maps to bytes; `latin1` maps each character to one byte, so any file round-trips. */
  encoding: "utf8" | "latin1";
}

/**
 * Turn rewrites into writes on the real files: a symlink is resolved so its
 * target is rewritten (and the link kept), the target's permission bits are
 * kept, and a target that resolves outside `roots` is refused (`USAGE`)
 * before anything is written.
 *
 * @example
 * ```ts
 * const writes = await planFileWrites([{ path: "Dockerfile", text, encoding: "utf8" }], { roots: ["."] });
 * ```
 */
export async function planFileWrites(rewrites: FileRewrite[], options: { roots: string[] }): Promise<PlannedWrite[]> {
  const roots = await Promise.all(
    options.roots.map(async (root) => realpath(resolve(root)).catch(() => resolve(root))),
  );
  const writes: PlannedWrite[] = [];
  for (const rewrite of rewrites) {
    const target = await realpath(rewrite.path);
    if (!roots.some((root) => isInside(root, target))) {
      throw new DigestguardError(
        "USAGE",
        `Cannot rewrite ${rewrite.path}: it resolves to ${target}, outside the paths given (${options.roots.join(", ")}).`,
      );
    }
    const mode = (await stat(target)).mode & 0o7777;
    writes.push({ path: target, content: Buffer.from(rewrite.text, rewrite.encoding), mode });
  }
  return writes;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
