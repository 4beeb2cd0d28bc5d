import { ContentCache } from "../../store/cache/content-cache.js";
import { listCache, verifyCache } from "../../cache/cache-maintenance.js";
import { pruneBy } from "../../cache/prune-by.js";
import { ExitCode } from "../../errors/error.js";
import { formatBytes } from "../../text/format-bytes.js";
import type { GlobalOptions } from "../global-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard cache …`. */
export interface CacheFlags extends GlobalOptions {
  cacheDir?: string;
  olderThan?: string;
  maxSize?: string;
  unreferenced?: boolean;
  dryRun?: boolean;
}

/** `digestguard cache ls`: entries and sizes. */
export async function cacheListCommand(flags: CacheFlags): Promise<number> {
  const cache = await ContentCache.open(flags.cacheDir);
  const entries = await listCache(cache);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (flags.json) {
    await writeOut(`${JSON.stringify({ schemaVersion: 1, root: cache.root, totalBytes: total, entries }, null, 2)}\n`);
  } else {
    const lines = entries.map(
      (e) =>
        `${e.digest}  ${formatBytes(e.size).padStart(9)}  used ${e.lastUsed.toISOString()}  verified ${e.verifiedAt.toISOString()}`,
    );
    await writeOut(
      `${lines.join("\n")}${lines.length ? "\n" : ""}${entries.length} blobs, ${formatBytes(total)} in ${cache.root}\n`,
    );
  }
  return ExitCode.ok;
}

/** `digestguard cache verify`: re-hash every entry; quarantine bad ones; exit 6 when any was bad. */
export async function cacheVerifyCommand(flags: CacheFlags, { signal }: ActionContext): Promise<number> {
  const cache = await ContentCache.open(flags.cacheDir);
  const result = await verifyCache(cache, { signal });
  if (flags.json) await writeOut(`${JSON.stringify({ schemaVersion: 1, ...result }, null, 2)}\n`);
  else {
    const bad = result.quarantined.map(
      (q) => `QUARANTINED ${q.digest}: content hashes to ${q.actual}; moved to ${q.movedTo}`,
    );
    await writeOut(
      `${bad.join("\n")}${bad.length ? "\n" : ""}${result.checked} blobs (${formatBytes(result.bytes)}) checked, ${result.quarantined.length} bad\n`,
    );
  }
  return result.quarantined.length > 0 ? ExitCode.integrity : ExitCode.ok;
}

/** `digestguard cache prune`: by age, size and reachability; `--dry-run` only reports. */
export async function cachePruneCommand(flags: CacheFlags, { signal }: ActionContext): Promise<number> {
  const result = await pruneBy({
    cacheDir: flags.cacheDir,
    olderThan: flags.olderThan,
    maxSize: flags.maxSize,
    unreferenced: flags.unreferenced,
    dryRun: flags.dryRun,
    signal,
  });
  const verb = flags.dryRun ? "would remove" : "removed";
  if (flags.json)
    await writeOut(`${JSON.stringify({ schemaVersion: 1, dryRun: flags.dryRun === true, ...result }, null, 2)}\n`);
  else
    await writeOut(
      `${result.removed.map((e) => `${verb} ${e.digest}  ${formatBytes(e.size)}`).join("\n")}${result.removed.length ? "\n" : ""}${verb} ${result.removed.length} blobs, ${formatBytes(result.bytes)}\n`,
    );
  return ExitCode.ok;
}
