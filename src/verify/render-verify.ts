import { ERROR_CODES, ExitCode, type ErrorCode } from "../errors/error.js";
import type { BlobCheck, CheckFailure, ManifestCheck, VerifyReport } from "../image/verify-report.js";
import { formatBytes } from "../text/format-bytes.js";

/** Colours a piece of text (the CLI passes one that honours --color and NO_COLOR). */
export type Paint = (style: "good" | "bad" | "warn" | "dim", text: string) => string;

/** Options of {@link renderVerify}. */
export interface RenderVerifyOptions {
  /** Failures and the summary only. */
  quiet?: boolean;
  paint?: Paint;
}

/**
 * Render a verify report for a terminal: one line per check, and for each
 * failure the expected and actual digest and size and what the mismatch
 * means. `quiet` prints failures and the summary only.
 *
 * @example
 * ```ts
 * process.stdout.write(renderVerify(report));
 * ```
 */
export function renderVerify(report: VerifyReport, options: RenderVerifyOptions = {}): string {
  const paint: Paint = options.paint ?? ((_style, text) => text);
  const lines = [
    `verify ${report.reference}${report.digest ? `  ${report.digest}` : ""}  (${report.kind ?? "?"}, ${report.mode})`,
  ];
  for (const m of report.manifests) if (!options.quiet || m.status === "failed") lines.push(...manifestLines(m, paint));
  for (const b of report.blobs) if (!options.quiet || b.status === "failed") lines.push(...blobLines(b, paint));
  for (const p of report.problems) lines.push(`  ${paint("bad", "FAILED")}  ${p.platform ?? "image"}: ${p.message}`);
  if (report.sources !== undefined && report.sources.length > 0) {
    lines.push(`Served by: ${report.sources.map((s) => `${s.source}${s.mirror ? " (mirror)" : ""}`).join(", ")}`);
  }
  const t = report.totals;
  lines.push(
    report.ok
      ? `Result: ${paint("good", "OK")} — ${t.blobs} blobs, ${formatBytes(t.bytes)} verified in ${t.seconds.toFixed(1)} s`
      : `Result: ${paint("bad", "FAILED")} — ${t.failed} problem${t.failed === 1 ? "" : "s"} (${t.blobs} blobs checked, ${formatBytes(t.bytes)} verified in ${t.seconds.toFixed(1)} s)`,
  );
  return `${lines.join("\n")}\n`;
}

function manifestLines(m: ManifestCheck, paint: Paint): string[] {
  const what = m.platform ? `${m.platform} manifest` : "manifest";
  const lines = [
    `  ${status(m.status, paint)}  ${what.padEnd(26)} ${m.digest ?? "(digest unknown)"}`,
    ...failureLines(m.failure, m.size),
  ];
  if (m.unknown !== undefined) lines.push(`          ${m.unknown}`);
  return lines;
}

function blobLines(b: BlobCheck, paint: Paint): string[] {
  const what = `${b.platform ? `${b.platform} ` : ""}${b.role}${b.layerIndex !== undefined ? ` ${b.layerIndex}` : ""}`;
  const diff = b.diffId?.status === "ok" ? "  diff_id ok" : "";
  const resumed = b.resumes ? `  (resumed ${b.resumes}×)` : "";
  return [
    `  ${status(b.status, paint)}  ${what.padEnd(26)} ${b.digest}  ${formatBytes(b.size)}${diff}${resumed}`,
    ...failureLines(b.failure, b.size),
  ];
}

function failureLines(f: CheckFailure | undefined, size: number | undefined): string[] {
  if (f === undefined) return [];
  const lines = [`          ${f.meaning} [${f.code}]`];
  const what = f.code === "DIFF_ID_MISMATCH" ? " (diff_id)" : size !== undefined ? ` (${size} bytes)` : "";
  if (f.expectedDigest) lines.push(`          expected ${f.expectedDigest}${what}`);
  if (f.actualDigest || f.received !== undefined) {
    const unhashed = f.code === "SIZE_MISMATCH" ? "(not hashed: size differs)" : "(not hashed: transfer incomplete)";
    lines.push(
      `          actual   ${f.actualDigest ?? unhashed}${f.received !== undefined ? ` (${f.received} bytes received)` : ""}`,
    );
  }
  if (!f.expectedDigest) lines.push(`          ${f.message}`);
  return lines;
}

function status(s: string, paint: Paint): string {
  return s === "ok" ? paint("good", "ok    ") : s === "skipped" ? paint("dim", "skip  ") : paint("bad", "FAILED");
}

/**
 * The process exit code for a set of reports: 0 when all verified, else the
 * documented exit code of the first failure's error code (6 for any content
 * mismatch, 3 for not found, …).
 */
export function verifyExitCode(reports: VerifyReport[]): number {
  for (const report of reports) {
    const failure = [...report.manifests, ...report.blobs].find((c) => c.status === "failed")?.failure;
    // A failure that is no DigestguardError is a bug of ours, not evidence against the image.
    if (failure !== undefined)
      return (
        ERROR_CODES[failure.code as ErrorCode] ?? (failure.code === "INTERNAL" ? ExitCode.internal : ExitCode.integrity)
      );
    if (!report.ok) return ExitCode.integrity;
  }
  return ExitCode.ok;
}
