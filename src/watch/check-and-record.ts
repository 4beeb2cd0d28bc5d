import type { StoredEvent, WatchEvent } from "../history/history-store.js";
import { checkError, checkTarget, type CheckResult } from "./check-target.js";
import { contentActions } from "./content-actions.js";
import { logEvent, notifyTo, observeCheck } from "./cycle-events.js";
import type { CycleOptions } from "./cycle-types.js";
import type { RegistryGuard } from "./fleet-limits.js";
import { withoutRepeats } from "./repeat-events.js";
import { actionsFor } from "./watch-actions.js";
import type { WatchTarget } from "./watch-targets.js";

/** One check's result and the events it stored. */
export interface Checked {
  result: CheckResult;
  stored: StoredEvent[];
}

/**
 * Checks one target (or, while its registry is paused by a rate-limit floor,
 * records why not), runs the content actions on what changed, drops repeats
 * of open conditions, and records the check — sighting, events, outbox rows
 * and, in a shared cycle, the finished job — in one transaction.
 *
 * @example
 * ```ts
 * const { result, stored } = await checkAndRecord(target, report.startedAt, options, guard);
 * ```
 */
export async function checkAndRecord(
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
  for (const event of stored) logEvent(options.log, event);
  observeCheck(options.observer, target.registry, result, stored);
  return { result, stored };
}
