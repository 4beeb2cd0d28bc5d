import { ExitCode } from "../errors/error.js";
import type { PinReport } from "./pin-report.js";

/**
 * The exit code of a pin run: 130 when interrupted after the commit point,
 * 6 when a registry's content contradicted its digest, 1 when a reference
 * was skipped for another reason than being unpinnable, else 0.
 *
 * @example
 * ```ts
 * process.exitCode = pinExitCode(await pinFiles(options));
 * ```
 */
export function pinExitCode(report: PinReport): number {
  if (report.interrupted !== undefined) return ExitCode.interrupted;
  // A registry whose content contradicts its digest is evidence, not a skipped reference.
  if (report.problems.some((p) => p.error?.exitCode === ExitCode.integrity)) return ExitCode.integrity;
  const skipped = report.problems.find((p) => p.kind !== "unpinnable");
  return skipped !== undefined ? ExitCode.findings : ExitCode.ok;
}
