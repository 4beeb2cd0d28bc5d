import { isAborted, isCode } from "../errors/predicates.js";
import type { Checked } from "./check-and-record.js";
import type { CycleReport } from "./cycle-types.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchTarget } from "./watch-targets.js";

/**
 * Adds one settled check to the cycle's report. A check that failed because
 * the cycle was aborted or the history itself cannot be written is fatal (it
 * goes to `fatal`, which stops the cycle); any other failure is one error
 * counted and logged, and the cycle goes on.
 *
 * @example
 * ```ts
 * const [settled] = await Promise.allSettled([checkAndRecord(target, at, options, guard)]);
 * tallySettled(report, settled, target, options.log, fatal);
 * ```
 */
export function tallySettled(
  report: CycleReport,
  result: PromiseSettledResult<Checked>,
  target: WatchTarget | undefined,
  log: WatchLog,
  fatal: unknown[],
): void {
  if (result.status === "fulfilled") tally(report, result.value);
  else if (
    isAborted(result.reason) ||
    isCode(result.reason, "HISTORY_BUSY", "HISTORY_INVALID", "HISTORY_TOO_NEW", "HISTORY_UNAVAILABLE", "IO")
  )
    fatal.push(result.reason);
  else {
    report.errors++;
    log("error", "check failed", { reference: target?.reference, error: (result.reason as Error).message });
  }
}

function tally(report: CycleReport, { result, stored }: Checked): void {
  report.checked++;
  if (result.fetched) report.fetched++;
  if (result.sighting === undefined) report.errors++;
  else if (stored.length === 0) report.unchanged++;
  report.events.push(...stored);
}
