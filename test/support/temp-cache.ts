import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContentCache, type VerifyOnRead } from "../../src/store/cache/content-cache.js";

/** Fresh content caches in temporary folders, all removed by `cleanup`. */
export interface TempCaches {
  open(options?: { verifyOnRead?: VerifyOnRead }): Promise<ContentCache>;
  /** A fresh empty folder (for a CLI `--cache-dir`). */
  folder(): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * Make content caches for a test file, each in its own temporary folder.
 *
 * @example
 * ```ts
 * const caches = tempCaches("faults");
 * const cache = await caches.open();
 * after(() => caches.cleanup());
 * ```
 */
export function tempCaches(name: string): TempCaches {
  const dirs: string[] = [];
  const folder = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), `digestguard-${name}-`));
    dirs.push(dir);
    return dir;
  };
  return {
    folder,
    open: async (options = {}) => ContentCache.open(await folder(), options),
    cleanup: async () => {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
