import type { MirrorItem, MirrorReport } from "./mirror-report.js";
import { formatBytes } from "../text/format-bytes.js";

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
