import type { StoredEvent, WatchEvent } from "../history/history-store.js";
import type { CheckResult } from "./check-target.js";
import type { CycleOptions } from "./cycle-types.js";
import { actionsFor } from "./watch-actions.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchObserver } from "./watch-observer.js";

/**
 * Who an event goes to: every configured notifier when its kind's actions
 * include `notify`, no one otherwise.
 *
 * @example
 * ```ts
 * const to = notifyTo({ actions: { changed: ["notify"] }, notifiers: ["ops"] });
 * to(event); // ["ops"] for a "changed" event
 * ```
 */
export function notifyTo(options: Pick<CycleOptions, "actions" | "notifiers">): (event: WatchEvent) => string[] {
  return (event) => (actionsFor(options.actions, event.kind).includes("notify") ? options.notifiers : []);
}

/**
 * Writes a stored event to the log: a check error as a warning, anything else as info.
 *
 * @example
 * ```ts
 * for (const event of stored) logEvent(options.log, event);
 * ```
 */
export function logEvent(log: WatchLog, event: StoredEvent): void {
  log(event.kind === "check-error" ? "warn" : "info", `event ${event.kind}`, { ...event });
}

/**
 * Tells the observer how a check ended (error, unchanged or changed), then
 * each event it stored.
 *
 * @example
 * ```ts
 * observeCheck(options.observer, target.registry, result, stored);
 * ```
 */
export function observeCheck(
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
