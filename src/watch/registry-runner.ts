import type { StoredEvent } from "../history/history-store.js";
import { checkAndRecord, type Checked } from "./check-and-record.js";
import { logEvent, notifyTo } from "./cycle-events.js";
import { tallySettled } from "./cycle-tally.js";
import type { CycleOptions, CycleReport } from "./cycle-types.js";
import { registryGuard } from "./fleet-limits.js";
import { checkNewTags, tagWatches } from "./new-tags.js";
import { targetFeed } from "./target-feed.js";
import type { WatchTarget } from "./watch-targets.js";

/** What a cycle's registries share: the options, the report they add to, the fatal errors. */
export interface CycleState {
  options: CycleOptions;
  report: CycleReport;
  fatal: unknown[];
  /** Whether this worker planned the cycle (it lists new tags). */
  planned: boolean;
}

/**
 * One registry's part of a cycle: `concurrency` runners pull targets from
 * the feed under the registry's guard (pace, rate-limit floor), then — for
 * the worker that planned the cycle — the new-tag lists. A fatal error goes
 * to `state.fatal` instead of rejecting, so the other registries finish.
 *
 * @example
 * ```ts
 * await Promise.all([...byRegistry(targets)].map(([registry, group]) => checkRegistry(registry, group, state)));
 * ```
 */
export async function checkRegistry(registry: string, targets: WatchTarget[], state: CycleState): Promise<void> {
  const { options, report, fatal, planned } = state;
  const guard = registryGuard(registry, options);
  const concurrency = options.perRegistry?.concurrency ?? 4;
  const next = targetFeed({
    history: options.history,
    registry,
    targets,
    batchSize: concurrency * 4,
    beforeClaim: () => guard.share(),
    onGivenUp: (references) =>
      options.log("error", "checks given up: their workers died or hung on each attempt", { registry, references }),
    ...(options.shared ? { shared: options.shared } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const runner = async (): Promise<void> => {
    for (let target = await next(); target !== undefined && fatal.length === 0; target = await next()) {
      const [settled] = await Promise.allSettled([checkAndRecord(target, report.startedAt, options, guard)]);
      tallySettled(report, settled as PromiseSettledResult<Checked>, target, options.log, fatal);
    }
  };
  try {
    for (const failed of await Promise.allSettled(Array.from({ length: concurrency }, runner)))
      if (failed.status === "rejected") fatal.push(failed.reason);
    if (fatal.length > 0) return;
    await guard.share();
    // Tag lists come after the checks: a rate-limit floor reached there already paused this registry.
    // In a shared cycle the worker that planned it lists them, so each list is asked for once.
    if (planned) report.events.push(...(await listNewTags(targets, report.startedAt, options, guard.pace)));
  } catch (error) {
    fatal.push(error);
  }
}

// One tag-list request per repository with a newTags filter.
async function listNewTags(
  targets: WatchTarget[],
  at: string,
  options: CycleOptions,
  pace: (signal?: AbortSignal) => Promise<void>,
): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const watch of tagWatches(targets)) {
    await pace(options.signal);
    const events = await checkNewTags(watch, {
      store: await options.openStore(watch),
      history: options.history,
      at,
      notifyTo: notifyTo(options),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const event of events) {
      logEvent(options.log, event);
      options.observer?.recorded?.(event);
    }
    stored.push(...events);
  }
  return stored;
}
