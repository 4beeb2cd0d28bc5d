import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/**
 * Fresh temporary folders for one test file, all removed when the file's
 * tests are done (registered with `after` at the call).
 *
 * @example
 * ```ts
 * const tempFolder = tempFolders("atomic");
 * const dir = await tempFolder();
 * ```
 */
export function tempFolders(name: string): () => Promise<string> {
  const made: string[] = [];
  after(async () => {
    await Promise.all(made.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });
  return async () => {
    const folder = await mkdtemp(join(tmpdir(), `dg-${name}-`));
    made.push(folder);
    return folder;
  };
}
