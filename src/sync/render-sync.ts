import type { SyncReport, SyncTagReport } from "./sync-report.js";

/**
 * The text report of a sync: one line per tag, then the totals.
 *
 * @example
 * ```ts
 * process.stdout.write(renderSync(report));
 * ```
 */
export function renderSync(report: SyncReport): string {
  const lines: string[] = [];
  for (const image of report.images) {
    lines.push(`${image.source} -> ${image.target}`);
    if (image.error !== undefined) lines.push(`  failed: ${image.error.message}`);
    for (const tag of image.tags) lines.push(`  ${tagLine(tag)}`);
  }
  const t = report.totals;
  lines.push(
    report.dryRun
      ? `${t.wouldCopy} to copy (${formatBytes(t.bytes)} to move), ${t.upToDate} up to date, ${t.failed} failed`
      : `${t.copied} copied, ${t.upToDate} up to date, ${t.failed} failed; ${formatBytes(t.bytes)} moved, ${t.blobsUploaded} blobs uploaded, ${t.blobsMounted} mounted`,
  );
  return `${lines.join("\n")}\n`;
}

function tagLine(tag: SyncTagReport): string {
  const backup = tag.backupTag === undefined ? "" : `; the old ${tag.previous} kept as ${tag.backupTag}`;
  if (tag.status === "failed") return `${tag.tag}: failed: ${tag.error?.message ?? "unknown error"}`;
  if (tag.status === "up-to-date") return `${tag.tag}: up to date (${tag.digest})`;
  if (tag.status === "would-copy") return `${tag.tag}: would copy ${tag.digest}, ${formatBytes(tag.bytes)}${backup}`;
  return `${tag.tag}: copied ${tag.digest}, ${formatBytes(tag.bytes)} (${tag.blobs.uploaded} blobs uploaded, ${tag.blobs.mounted} mounted)${backup}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
