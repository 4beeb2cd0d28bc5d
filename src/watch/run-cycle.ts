import { isAborted, isCode } from "../errors/predicates.js";
import type { HistoryStore, StoredEvent, WatchEvent } from "../history/history-store.js";
import type { ContentStore } from "../store/content-store.js";
import { checkError, checkTarget, type CheckResult } from "./check-target.js";
import { withoutRepeats } from "./repeat-events.js";
import { checkNewTags, tagWatches } from "./new-tags.js";
import { byRegistry, type PerRegistry } from "./registry-limits.js";
import { actionsFor, type WatchAction } from "./watch-actions.js";
import { contentActions, type ContentActionHooks } from "./content-actions.js";
import type { SharedCycle } from "./shared-cycle.js";
import { targetFeed } from "./target-feed.js";
import { type RegistryGuard, registryGuard } from "./fleet-limits.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchObserver } from "./watch-observer.js";
import type { WatchTarget } from "./watch-targets.js";

/** What one cycle needs. */
export interface CycleOptions extends ContentActionHooks {
  targets: WatchTarget[];
  history: HistoryStore;
  /** The store a tag is read from: the registry itself, never a mirror. */
  openStore(target: Pick<WatchTarget, "registry" | "repository">): ContentStore | Promise<ContentStore>;
  actions?: Record<string, WatchAction[]>;
  /** Names of the configured notifiers: an event with `notify` goes to each. */
  notifiers: string[];
  perRegistry?: PerRegistry;
  log: WatchLog;
  /** Told of every check and event, for metrics. */
  observer?: WatchObserver;
  now?: () => Date;
  signal?: AbortSignal;
  /**
   * Share the cycle's checks with the other workers on the history's
   * database: each check is a job claimed by one worker, and requests per
   * second hold across workers. Without it this process checks every target.
   */
  shared?: SharedCycle;
}

/** What a cycle did, for the log and `--once --json`. */
export interface CycleReport {
  startedAt: string;
  seconds: number;
  checked: number;
  unchanged: number;
  fetched: number;
  errors: number;
  events: StoredEvent[];
}

/**
 * One watch cycle: check every target (registries in parallel, each with
 * its own concurrency and request pace, so one registry down holds up none
 * of the others), run the configured actions on what changed, and record
 * each check — sighting, events and their outbox rows — in one transaction.
 *
 * @example
 * ```ts
 * const report = await runCycle({ targets, history, openStore, notifiers: ["ops"], log });
 * ```
 */
export async function runCycle(options: CycleOptions): Promise<CycleReport> {
  const started = (options.now ?? (() => new Date()))();
  const report: CycleReport = {
    startedAt: started.toISOString(),
    seconds: 0,
    checked: 0,
    unchanged: 0,
    fetched: 0,
    errors: 0,
    events: [],
  };
  const fatal: unknown[] = [];
  const planned =
    options.shared === undefined ||
    (await options.history.planCycle(
      options.shared.cycle,
      options.targets.map((t) => ({ registry: t.registry, reference: t.reference })),
    ));
  await Promise.all(
    [...byRegistry(options.targets)].map(([registry, targets]) =>
      checkRegistry(registry, targets, { options, report, fatal, planned }),
    ),
  );
  if (fatal.length > 0) throw fatal[0];
  report.seconds = (Date.now() - started.getTime()) / 1000;
  return report;
}

/** What a cycle's registries share: the options, the report they add to, the fatal errors. */
interface CycleState {
  options: CycleOptions;
  report: CycleReport;
  fatal: unknown[];
  /** Whether this worker planned the cycle (it lists new tags). */
  planned: boolean;
}

// One registry's checks: `concurrency` runners pull from the feed, then the tag lists.
async function checkRegistry(registry: string, targets: WatchTarget[], state: CycleState): Promise<void> {
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
      tallySettled(report, settled as PromiseSettledResult<Checked>, target, options, fatal);
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

/** One check's result and the events it stored. */
interface Checked {
  result: CheckResult;
  stored: StoredEvent[];
}

async function checkAndRecord(
  target: WatchTarget,
  at: string,
  options: CycleOptions,
  guard: RegistryGuard,
): Promise<Checked> {
  const store = await options.openStore(target);
  const paused = guard.closed(target.reference);
  const result: CheckResult = paused
    ? { target, events: [checkError(target.reference, at, paused)], fetched: false }
    : await checkTarget(target, {
        store,
        history: options.history,
        at,
        beforeRequest: (signal) => guard.beforeRequest(target.reference, signal),
        noteRemaining: (remaining) => guard.note(remaining),
        ...(options.signal ? { signal: options.signal } : {}),
      });
  if (result.rateLimitRemaining !== undefined)
    options.observer?.rateLimit?.(target.registry, result.rateLimitRemaining);
  const followUps: WatchEvent[] = [];
  for (const event of result.events)
    followUps.push(...(await contentActions(event, actionsFor(options.actions, event.kind), { store, ...options })));
  const open = await options.history.openConditions(target.reference);
  const { events, conditions } = withoutRepeats([...result.events, ...followUps], open, {
    checked: result.sighting !== undefined,
  });
  const stored = await options.history.recordCheck({
    reference: target.reference,
    at,
    ...(result.sighting ? { sighting: result.sighting } : {}),
    events,
    notifyTo: notifyTo(options),
    // The steady state has none open and none found: nothing to write.
    ...(open.size > 0 || conditions.length > 0 ? { conditions } : {}),
    ...(options.shared
      ? { worker: options.shared.worker, job: { cycle: options.shared.cycle, reference: target.reference } }
      : {}),
  });
  for (const event of stored)
    options.log(event.kind === "check-error" ? "warn" : "info", `event ${event.kind}`, { ...event });
  observe(options.observer, target.registry, result, stored);
  return { result, stored };
}

function notifyTo(options: CycleOptions): (event: WatchEvent) => string[] {
  return (event) => (actionsFor(options.actions, event.kind).includes("notify") ? options.notifiers : []);
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
      options.log(event.kind === "check-error" ? "warn" : "info", `event ${event.kind}`, { ...event });
      options.observer?.recorded?.(event);
    }
    stored.push(...events);
  }
  return stored;
}

function observe(
  observer: WatchObserver | undefined,
  registry: string,
  result: CheckResult,
  stored: StoredEvent[],
): void {
  if (observer === undefined) return;
  const outcome = result.sighting === undefined ? "error" : stored.length === 0 ? "unchanged" : "changed";
  observer.checked?.(registry, outcome);
  for (const event of stored) observer.recorded?.(event);
}

function tallySettled(
  report: CycleReport,
  result: PromiseSettledResult<Checked>,
  target: WatchTarget | undefined,
  options: CycleOptions,
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
    options.log("error", "check failed", { reference: target?.reference, error: (result.reason as Error).message });
  }
}

function tally(report: CycleReport, { result, stored }: Checked): void {
  report.checked++;
  if (result.fetched) report.fetched++;
  if (result.sighting === undefined) report.errors++;
  else if (stored.length === 0) report.unchanged++;
  report.events.push(...stored);
}
