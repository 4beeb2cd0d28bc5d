import { ContentCache } from "../../store/cache/content-cache.js";
import { listCache, pruneCache, verifyCache } from "../../cache/cache-maintenance.js";
import { reachableDigests } from "../../cache/reachable-digests.js";
import { DigestguardError, ExitCode } from "../../errors/error.js";
import { formatBytes } from "../../verify/render-verify.js";
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
    const lines = entries.map((e) => `${e.digest}  ${formatBytes(e.size).padStart(9)}  used ${e.lastUsed.toISOString()}  verified ${e.verifiedAt.toISOString()}`);
    await writeOut(`${lines.join("\n")}${lines.length ? "\n" : ""}${entries.length} blobs, ${formatBytes(total)} in ${cache.root}\n`);
  }
  return ExitCode.ok;
}

/** `digestguard cache verify`: re-hash every entry; quarantine bad ones; exit 6 when any was bad. */
export async function cacheVerifyCommand(flags: CacheFlags, { signal }: ActionContext): Promise<number> {
  const cache = await ContentCache.open(flags.cacheDir);
  const result = await verifyCache(cache, { signal });
  if (flags.json) await writeOut(`${JSON.stringify({ schemaVersion: 1, ...result }, null, 2)}\n`);
  else {
    const bad = result.quarantined.map((q) => `QUARANTINED ${q.digest}: content hashes to ${q.actual}; moved to ${q.movedTo}`);
    await writeOut(`${bad.join("\n")}${bad.length ? "\n" : ""}${result.checked} blobs (${formatBytes(result.bytes)}) checked, ${result.quarantined.length} bad\n`);
  }
  return result.quarantined.length > 0 ? ExitCode.integrity : ExitCode.ok;
}

/** `digestguard cache prune`: by age, size and reachability; `--dry-run` only reports. */
export async function cachePruneCommand(flags: CacheFlags, { signal }: ActionContext): Promise<number> {
  if (flags.olderThan === undefined && flags.maxSize === undefined && !flags.unreferenced) {
    throw new DigestguardError("USAGE", "Cannot prune without a criterion: give --older-than, --max-size and/or --unreferenced.");
  }
  const cache = await ContentCache.open(flags.cacheDir);
  const result = await pruneCache(cache, {
    ...(flags.olderThan !== undefined ? { olderThanMs: parseDuration(flags.olderThan) } : {}),
    ...(flags.maxSize !== undefined ? { maxBytes: parseSize(flags.maxSize) } : {}),
    ...(flags.unreferenced ? { keep: await reachableDigests(cache, { signal }) } : {}),
    dryRun: flags.dryRun === true,
  });
  const verb = flags.dryRun ? "would remove" : "removed";
  if (flags.json) await writeOut(`${JSON.stringify({ schemaVersion: 1, dryRun: flags.dryRun === true, ...result }, null, 2)}\n`);
  else await writeOut(`${result.removed.map((e) => `${verb} ${e.digest}  ${formatBytes(e.size)}`).join("\n")}${result.removed.length ? "\n" : ""}${verb} ${result.removed.length} blobs, ${formatBytes(result.bytes)}\n`);
  return ExitCode.ok;
}

/** "7d", "12h", "30m", "45s" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (match === null) throw new DigestguardError("USAGE", `Cannot read duration "${text}": use a number and s, m, h, d or w (e.g. 7d).`);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[match[2] as "s"];
  return Number(match[1]) * unit;
}

/** "500MB", "10GB", "1.5GiB", "1024" → bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(text.trim());
  if (match === null) throw new DigestguardError("USAGE", `Cannot read size "${text}": use e.g. 500MB, 10GB or 2GiB.`);
  const unit = (match[2] ?? "B").toUpperCase();
  const power = "BKMGT".indexOf(unit[0] as string);
  const base = unit.includes("I") ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** power);
}
