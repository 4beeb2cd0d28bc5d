import { readdir, realpath, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isProcessAlive } from "../fs/file-lock.js";

// `.<name>.<pid>-<12 hex>.tmp` from stageFile; `.<name>.<12 hex>.tmp` from the one-shot atomic writer.
const STAGED_TEMP = /^\.(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;
const PLAIN_TEMP = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;
/** A plain temp file carries no pid; one this old is no live writer's. */
const PLAIN_TEMP_STALE_MS = 60_000;
/** No pin stages a file for this long. */
const STAGED_TEMP_STALE_MS = 10 * 60_000;

/**
 * Remove the temp files a killed writer left beside `files` (each resolved
 * through symlinks, as the writer does): ones named for a file here whose
 * writer pid is dead, and pid-less ones older than a minute. A live
 * writer's temps are left alone. Returns the paths removed.
 *
 * @example
 * ```ts
 * await removeLeftoverTemps(["Dockerfile", "digestguard.lock"]);
 * ```
 */
export async function removeLeftoverTemps(files: string[]): Promise<string[]> {
  const namesByFolder = new Map<string, Set<string>>();
  for (const file of files) {
    const real = await realpath(file).catch(() => file);
    const names = namesByFolder.get(dirname(real)) ?? new Set<string>();
    namesByFolder.set(dirname(real), names.add(basename(real)));
  }
  const removed: string[] = [];
  for (const [folder, names] of namesByFolder) {
    for (const entry of await readdir(folder).catch(() => [] as string[])) {
      const path = join(folder, entry);
      if (await isLeftover(entry, path, names)) {
        await rm(path, { force: true });
        removed.push(path);
      }
    }
  }
  return removed;
}

async function isLeftover(entry: string, path: string, names: Set<string>): Promise<boolean> {
  const staged = STAGED_TEMP.exec(entry);
  if (staged !== null && names.has(staged[1] as string) && Number(staged[2]) !== process.pid) {
    // A live pid may be a stranger who reused a dead writer's number: age decides then.
    return !isProcessAlive(Number(staged[2])) || (await olderThan(path, STAGED_TEMP_STALE_MS));
  }
  const plain = PLAIN_TEMP.exec(entry);
  return plain !== null && names.has(plain[1] as string) && (await olderThan(path, PLAIN_TEMP_STALE_MS));
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}
