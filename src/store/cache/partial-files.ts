import { createHash, randomBytes } from "node:crypto";
import { readdir, rename, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { isErrnoCode } from "../../fs/atomic-file.js";
import { isProcessAlive } from "../../fs/file-lock.js";

// Partial downloads live in `ingest/`, one file per writer, named
//   <alg>-<hex>.<host>-<pid>-<random>.partial   written by a live process
//   <alg>-<hex>.released-<random>.partial       let go by a run that stopped early
//   <alg>-<hex>.partial                         left by older versions
// so that no two processes ever write one file, and anyone can tell
// whether a partial's writer is gone (and its bytes may be resumed or removed).
const PARTIAL_NAME =
  /^((?:sha256|sha512)-[a-f0-9]{64,128})(?:\.(?:([0-9a-f]{8})-(\d+)-[0-9a-f]+|released-[0-9a-f]+))?\.partial$/;

/** An owned partial untouched this long is abandoned even if its owner cannot be checked (another host). */
export const ABANDONED_AFTER_MS = 60 * 60_000;

/** Who writes a partial download, when known. */
export interface PartialOwner {
  hostTag: string;
  pid: number;
}

/** A partial download found in `ingest/`. */
export interface PartialFile {
  path: string;
  /** `<alg>-<hex>` of the blob it is for. */
  key: string;
  owner: PartialOwner | undefined;
  size: number;
  modifiedMs: number;
}

const ownHostTag = (): string => createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

/**
 * A fresh partial file name for this process to write blob `key` into.
 *
 * @example
 * ```ts
 * ownPartialName("sha256-ab12…"); // "sha256-ab12….1a2b3c4d-4242-9f8e7d6c5b4a.partial"
 * ```
 */
export function ownPartialName(key: string): string {
  return `${key}.${ownHostTag()}-${process.pid}-${randomBytes(6).toString("hex")}.partial`;
}

/**
 * The name a partial gets when its writer stops early but its bytes are
 * worth resuming: ownerless, so the next run may take it over at once.
 *
 * @example
 * ```ts
 * await rename(ownPath, join(ingestDir, releasedPartialName(key)));
 * ```
 */
export function releasedPartialName(key: string): string {
  return `${key}.released-${randomBytes(6).toString("hex")}.partial`;
}

/**
 * Whether no live process writes this partial any more: it has no owner,
 * its owner is dead on this host, or (another host's) it was untouched for
 * {@link ABANDONED_AFTER_MS}. A reused pid keeps a partial "alive" until
 * that process ends: it is then only kept longer, never taken too early.
 *
 * @example
 * ```ts
 * if (isAbandoned(partial)) await rm(partial.path);
 * ```
 */
export function isAbandoned(partial: Pick<PartialFile, "owner" | "modifiedMs">, now = Date.now()): boolean {
  if (partial.owner === undefined) return true;
  if (partial.owner.hostTag === ownHostTag()) return !isProcessAlive(partial.owner.pid);
  return now - partial.modifiedMs > ABANDONED_AFTER_MS;
}

/**
 * Every partial download in `ingestDir` (for blob `key` only, when given).
 *
 * @example
 * ```ts
 * const stale = (await listPartials(ingestDir)).filter((p) => isAbandoned(p));
 * ```
 */
export async function listPartials(ingestDir: string, key?: string): Promise<PartialFile[]> {
  const names = await readdir(ingestDir).catch((error: unknown) => {
    if (isErrnoCode(error, "ENOENT")) return [] as string[];
    throw error;
  });
  const partials: PartialFile[] = [];
  for (const name of names) {
    const match = PARTIAL_NAME.exec(name);
    if (match === null || (key !== undefined && match[1] !== key)) continue;
    const info = await stat(join(ingestDir, name)).catch(() => undefined);
    if (info === undefined) continue; // taken or removed meanwhile
    const owner = match[2] !== undefined ? { hostTag: match[2], pid: Number(match[3]) } : undefined;
    partials.push({
      path: join(ingestDir, name),
      key: match[1] as string,
      owner,
      size: info.size,
      modifiedMs: info.mtimeMs,
    });
  }
  return partials;
}

/**
 * Take over the longest abandoned partial of blob `key` by renaming it to
 * `ownPath`. The rename is atomic, so when several processes try at once
 * exactly one gets the file and the others start afresh. Returns whether a
 * partial was taken.
 *
 * @example
 * ```ts
 * const resuming = await claimAbandonedPartial(ingestDir, key, ownPath);
 * ```
 */
export async function claimAbandonedPartial(ingestDir: string, key: string, ownPath: string): Promise<boolean> {
  const candidates = (await listPartials(ingestDir, key)).filter((p) => isAbandoned(p)).sort((a, b) => b.size - a.size);
  for (const candidate of candidates) {
    try {
      await rename(candidate.path, ownPath);
      return true;
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT")) throw error;
    }
  }
  return false;
}
