import type { HistoryStore } from "../history/history-store.js";
import { type PerRegistry, type RateLimitGate, requestPacer } from "./registry-limits.js";
import type { SharedCycle } from "./shared-cycle.js";

/** What the fleet's limits need: the shared history, the cycle (when shared), the limits. */
export interface FleetLimitOptions {
  history: HistoryStore;
  shared?: SharedCycle;
  perRegistry?: PerRegistry;
}

/**
 * Share a registry's rate-limit floor with the fleet: a worker whose gate
 * closed pauses the registry for all in this cycle; another worker's pause
 * closes this gate (seen before each claim, so the others stop within one batch).
 *
 * @example
 * ```ts
 * await shareGate("docker.io", gate, { history, shared, perRegistry });
 * ```
 */
export async function shareGate(registry: string, gate: RateLimitGate, options: FleetLimitOptions): Promise<void> {
  if (options.shared === undefined || options.perRegistry?.rateLimitFloor === undefined) return;
  const mine = gate.remaining();
  if (mine !== undefined) return options.history.pauseRegistry(options.shared.cycle, registry, mine);
  const theirs = await options.history.registryPaused(options.shared.cycle, registry);
  if (theirs !== undefined) gate.note(theirs);
}

/**
 * A registry's request pace: in a shared cycle the fleet's, one slot row in
 * the database; else this process's own.
 *
 * @example
 * ```ts
 * const pace = pacerFor("docker.io", { history, shared, perRegistry: { requestsPerSecond: 10 } });
 * await pace(signal);
 * ```
 */
export function pacerFor(registry: string, options: FleetLimitOptions): (signal?: AbortSignal) => Promise<void> {
  const perSecond = options.perRegistry?.requestsPerSecond;
  if (options.shared === undefined || perSecond === undefined) return requestPacer(perSecond);
  return async (signal) => {
    const startAt = await options.history.takeRequestSlot(registry, 1000 / perSecond);
    const wait = startAt - Date.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
    signal?.throwIfAborted();
  };
}
