import type { StoredEvent } from "../history/history-store.js";

/** How one check of one tag ended. */
export type CheckOutcome = "unchanged" | "changed" | "error";

/**
 * What a running watch tells whoever watches it (the dashboard's metrics):
 * every method is optional and called synchronously, so an observer must
 * be cheap and must not throw. Watch defines this shape so it never has to
 * import what implements it.
 *
 * @example
 * ```ts
 * const observer: WatchObserver = { checked: (registry, outcome) => counts[outcome]++ };
 * await watchOnce(plan, { history, openStore, log, signal, observer });
 * ```
 */
export interface WatchObserver {
  /** One tag was checked. */
  checked?(registry: string, outcome: CheckOutcome): void;
  /** An event was recorded. */
  recorded?(event: StoredEvent): void;
  /** A registry answered with how much of its rate limit is left. */
  rateLimit?(registry: string, remaining: number): void;
  /** A cycle ended, after this many seconds. */
  cycleDone?(seconds: number): void;
  /** A watch step (cycle, outbox pass) failed as a whole. */
  failed?(code: string): void;
}
