import type { PinReport } from "./pin-report.js";

/**
 * Render what `pin` did: each pinned reference with file:line, references
 * that could not be pinned and why, and for `--update` each digest change
 * with what changed inside the image. `quiet` prints only the references
 * that could not be pinned (nothing when every one was).
 *
 * @example
 * ```ts
 * process.stdout.write(renderPin(report));
 * ```
 */
export function renderPin(report: PinReport, options: { quiet?: boolean } = {}): string {
  if (options.quiet)
    return report.problems.map((p) => `${p.file}:${p.line}  ${p.written}  NOT PINNED: ${p.reason}\n`).join("");
  const lines: string[] = [];
  for (const pin of report.pins) {
    const state = pin.changed ? (report.dryRun ? "would pin" : "pinned") : "already pinned";
    lines.push(`${pin.file}:${pin.line}  ${pin.written}  ${state} ${pin.digest}`);
  }
  for (const p of report.problems) lines.push(`${p.file}:${p.line}  ${p.written}  NOT PINNED: ${p.reason}`);
  for (const change of report.changes) {
    lines.push(`update ${change.reference}: ${change.from} → ${change.to}`);
    for (const line of change.summary) lines.push(`    ${line}`);
  }
  const changed = report.pins.filter((p) => p.changed).length;
  lines.push(
    `${report.dryRun ? "Would pin" : "Pinned"} ${changed} reference${changed === 1 ? "" : "s"} in ${report.filesChanged.length} file${report.filesChanged.length === 1 ? "" : "s"} (${report.pins.length - changed} already pinned, ${report.problems.length} not pinnable); ${report.resolutions} tag resolution${report.resolutions === 1 ? "" : "s"}; ${report.dryRun ? "lockfile not written (dry run)" : `${report.lockfile} written`}.`,
  );
  return `${lines.join("\n")}\n`;
}
