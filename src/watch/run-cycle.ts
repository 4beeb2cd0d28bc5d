import { mapConcurrent } from "../async/map-concurrent.js";
import { isAborted, isCode } from "../errors/predicates.js";
import type { HistoryStore, StoredEvent, WatchEvent } from "../history/history-store.js";
import type { ContentStore } from "../store/content-store.js";
import { checkError, checkTarget, type CheckResult } from "./check-target.js";
import { withoutRepeats } from "./repeat-events.js";
import { checkNewTags, tagWatches } from "./new-tags.js";
import { byRegistry, type PerRegistry, type RateLimitGate, rateLimitGate, requestPacer } from "./registry-limits.js";
import { actionsFor, type WatchAction } from "./watch-actions.js";
import { contentActions, type ContentActionHooks } from "./content-actions.js";
import { claimedBatches, type SharedCycle } from "./shared-cycle.js";
import type { WatchLog } from "./watch-log.js";
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
    [...byRegistry(options.targets)].map(async ([registry, targets]) => {
      const pace = pacerFor(registry, options);
      const gate = rateLimitGate(options.perRegistry?.rateLimitFloor);
      const concurrency = options.perRegistry?.concurrency ?? 4;
      try {
        for await (const batch of batches(registry, targets, concurrency * 4, options)) {
          await shareGate(registry, gate, options);
          const settled = await mapConcurrent(batch, concurrency, async (target) => {
            if (gate.closed(target.reference) === undefined) await pace(options.signal);
            return checkAndRecord(target, report.startedAt, options, gate);
          });
          for (const [i, result] of settled.entries()) tallySettled(report, result, batch[i], options, fatal);
          await shareGate(registry, gate, options);
          if (fatal.length > 0) return;
        }
        // Tag lists come after the checks: a rate-limit floor reached there already paused this registry.
        // In a shared cycle the worker that planned it lists them, so each list is asked for once.
        if (planned) report.events.push(...(await listNewTags(targets, report.startedAt, options, pace)));
      } catch (error) {
        fatal.push(error);
      }
    }),
  );
  if (fatal.length > 0) throw fatal[0];
  report.seconds = (Date.now() - started.getTime()) / 1000;
  return report;
}

async function checkAndRecord(
  target: WatchTarget,
  at: string,
  options: CycleOptions,
  gate: RateLimitGate,
): Promise<{ result: CheckResult; stored: StoredEvent[] }> {
  const store = await options.openStore(target);
  const paused = gate.closed(target.reference);
  const result: CheckResult = paused
    ? { target, events: [checkError(target.reference, at, paused)], fetched: false }
    : await checkTarget(target, {
        store,
        history: options.history,
        at,
        ...(options.signal ? { signal: options.signal } : {}),
      });
  gate.note(result.rateLimitRemaining);
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
    for (const event of events)
      options.log(event.kind === "check-error" ? "warn" : "info", `event ${event.kind}`, { ...event });
    stored.push(...events);
  }
  return stored;
}

// Every target at once, or (shared) the batches this worker claims.
function batches(
  registry: string,
  targets: WatchTarget[],
  batchSize: number,
  options: CycleOptions,
): AsyncIterable<WatchTarget[]> | WatchTarget[][] {
  if (options.shared === undefined) return [targets];
  return claimedBatches(options.history, options.shared, registry, targets, batchSize, options.signal);
}

// In a shared cycle the rate-limit floor is the fleet's: a worker that
// reached it pauses the registry for all; the others see it before their next batch.
async function shareGate(registry: string, gate: RateLimitGate, options: CycleOptions): Promise<void> {
  if (options.shared === undefined || options.perRegistry?.rateLimitFloor === undefined) return;
  const mine = gate.remaining();
  if (mine !== undefined) return options.history.pauseRegistry(options.shared.cycle, registry, mine);
  const theirs = await options.history.registryPaused(options.shared.cycle, registry);
  if (theirs !== undefined) gate.note(theirs);
}

// In a shared cycle the pace is the fleet's, kept in the database.
function pacerFor(registry: string, options: CycleOptions): (signal?: AbortSignal) => Promise<void> {
  const perSecond = options.perRegistry?.requestsPerSecond;
  if (options.shared === undefined || perSecond === undefined) return requestPacer(perSecond);
  return async (signal) => {
    const startAt = await options.history.takeRequestSlot(registry, 1000 / perSecond);
    const wait = startAt - Date.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
    signal?.throwIfAborted();
  };
}

function tallySettled(
  report: CycleReport,
  result: PromiseSettledResult<{ result: CheckResult; stored: StoredEvent[] }>,
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

function tally(report: CycleReport, { result, stored }: { result: CheckResult; stored: StoredEvent[] }): void {
  report.checked++;
  if (result.fetched) report.fetched++;
  if (result.sighting === undefined) report.errors++;
  else if (stored.length === 0) report.unchanged++;
  report.events.push(...stored);
}
