import { Cron } from "croner";
import type { SyncSettings } from "../config/config-schema.js";
import { DigestguardError } from "../errors/error.js";
import type { HistoryStore } from "../history/history-store.js";
import { cycleTick } from "../history/shared-work.js";
import { syncOnce, type SyncOptions } from "./sync-once.js";
import type { SyncReport } from "./sync-report.js";

/** What {@link runSyncSchedule} needs besides the `sync:` section. */
export interface SyncScheduleOptions extends Pick<SyncOptions, "open"> {
  /** A cron pattern, 5 or 6 fields (the sixth, first, is seconds). */
  schedule: string;
  /** Stop: the image in flight is finished, no new pass starts, and the promise resolves. */
  signal: AbortSignal;
  /**
   * Share each pass with the other workers on this history's database: a
   * pass is named by its tick, and each image is synced by one worker.
   */
  shared?: { history: HistoryStore; worker: string; leaseMs: number };
  /** Each pass's report, numbered from 1; `tick` names a shared pass. */
  onPass(report: SyncReport, pass: number, tick?: string): void | Promise<void>;
  /** A pass that failed as a whole (an unexpected error); the schedule goes on. */
  onError(error: unknown, pass: number): void;
  /** When the process started, and after each pass: the next run. */
  onNext?(next: Date | undefined): void;
}

/**
 * `dg sync --schedule CRON`: one pass at once, then one per tick until
 * `signal` fires. Passes never overlap — croner's `protect` skips a tick
 * while a pass still runs. Stopping lets the image in flight finish (a copy
 * cut short would only be redone), starts nothing new, and resolves with
 * the number of passes run.
 *
 * @example
 * ```ts
 * await runSyncSchedule(config.sync, { schedule: "0 * * * *", open, signal, onPass: print, onError: log });
 * ```
 */
export async function runSyncSchedule(settings: SyncSettings, options: SyncScheduleOptions): Promise<number> {
  const job = cronJob(options.schedule);
  let passes = 0;
  let inFlight: Promise<void> | undefined;
  const pass = async (): Promise<void> => {
    if (options.signal.aborted) return;
    const number = ++passes;
    // Named by the tick before the pass starts, so every worker names it alike.
    const tick = options.shared === undefined ? undefined : `sync:${cycleTick(options.schedule)}`;
    const shared =
      tick === undefined || options.shared === undefined ? {} : { shared: { ...options.shared, cycle: tick } };
    try {
      const report = await syncOnce(settings, { open: options.open, stop: options.signal, ...shared });
      await options.onPass(report, number, tick);
    } catch (error) {
      options.onError(error, number);
    }
    options.onNext?.(job.nextRun() ?? undefined);
  };
  // The first pass runs outside croner, so this guard, not only `protect`, keeps passes apart.
  const run = (): Promise<void> =>
    (inFlight ??= pass().finally(() => {
      inFlight = undefined;
    }));
  job.schedule(run);
  options.onNext?.(job.nextRun() ?? undefined);
  void run();
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  job.stop();
  await inFlight;
  return passes;
}

function cronJob(pattern: string): Cron {
  try {
    return new Cron(pattern, { protect: true, paused: false });
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot schedule sync: "${pattern}" is not a cron pattern (${(error as Error).message}); use 5 or 6 fields, e.g. "0 */6 * * *".`,
    );
  }
}
