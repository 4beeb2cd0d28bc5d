import type { MirrorItem, MirrorReport } from "./mirror-report.js";

/**
 * The text report of a mirror run: one line per image (copied, up to date,
 * failed and why), notes on platform subsets and skipped foreign layers, a
 * summary of bytes moved and blobs uploaded, mounted or already present.
 *
 * @example
 * ```ts
 * process.stdout.write(renderMirror(report));
 * ```
 */
export function renderMirror(report: MirrorReport): string {
  const lines = [`mirror ${report.source} -> ${report.destination}`];
  for (const item of report.items) lines.push(...itemLines(item));
  const t = report.totals;
  lines.push(
    `Result: ${report.ok ? "OK" : "FAILED"} — ${t.copied} copied, ${t.upToDate} up to date, ${t.failed} failed; ` +
      `${formatBytes(t.bytesUploaded)} moved, blobs: ${t.blobsUploaded} uploaded, ${t.blobsMounted} mounted, ${t.blobsPresent} already present`,
  );
  return `${lines.join("\n")}\n`;
}

function itemLines(item: MirrorItem): string[] {
  const label = item.status === "up-to-date" ? "up to date" : item.status;
  const what = `${item.referrerOf === undefined ? "" : "referrer "}${item.source} -> ${item.destination}`;
  if (item.status === "failed") return [`  ${label.padEnd(10)}  ${what}`, `              ${item.error?.message ?? ""}`];
  const r = item.result;
  if (r === undefined) return [`  ${label.padEnd(10)}  ${what}`];
  const lines = [
    `  ${label.padEnd(10)}  ${what}  ${r.written.digest}${item.status === "copied" ? `  (${formatBytes(r.bytesUploaded)} moved)` : ""}`,
  ];
  if (r.subset) {
    lines.push(
      `              note: only some platforms were copied, so the index written is ${r.written.digest}, not the source's ${r.source.digest}; pins to the source digest will not find it.`,
    );
  }
  if (r.foreign.length > 0) {
    lines.push(
      `              note: ${r.foreign.length} non-distributable (foreign) layer${r.foreign.length === 1 ? " was" : "s were"} not copied; use --include-foreign to copy ${r.foreign.length === 1 ? "it" : "them"}.`,
    );
  }
  return lines;
}

/**
 * Bytes in decimal units, as the other reports print them.
 *
 * @example
 * ```ts
 * formatBytes(1_500_000); // "1.5 MB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
