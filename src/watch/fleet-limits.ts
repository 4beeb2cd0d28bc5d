import type { HistoryStore } from "../history/history-store.js";
import { type PerRegistry, type RateLimitGate, rateLimitGate, requestPacer } from "./registry-limits.js";
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
 * closes this gate.
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

/** One registry's limits for a cycle's checks: its pace and its rate-limit floor, shared with the fleet when the cycle is. */
export interface RegistryGuard {
  /**
   * Before each request of a check of `reference`: wait for the pace's slot,
   * then throw the floor's error if the registry was paused meanwhile (by this
   * worker or, in a shared cycle, another), so the request is not sent.
   */
  beforeRequest(reference: string, signal?: AbortSignal): Promise<void>;
  /** Only the pace, for requests outside a check (tag lists). */
  pace(signal?: AbortSignal): Promise<void>;
  /** Note what an answer said is left; a gate that closes here is shared with the fleet at once. */
  note(remaining: number | undefined): Promise<void>;
  /** Undefined while the registry may be asked; else the error a check records instead. */
  closed(reference: string): ReturnType<RateLimitGate["closed"]>;
  /** Exchange the pause with the fleet (before each claim, and at the end of the registry's checks). */
  share(): Promise<void>;
}

/**
 * The pace and rate-limit floor of one registry for one cycle. In a shared
 * cycle the pause is read before each request and written as soon as it is
 * seen: the others stop before their next request, not after the checks
 * they already claimed (with many workers those would spend more of the
 * registry's budget than the floor keeps).
 *
 * @example
 * ```ts
 * const guard = registryGuard("docker.io", { history, shared, perRegistry: { requestsPerSecond: 10, rateLimitFloor: 20 } });
 * await checkTarget(target, { store, history, at, beforeRequest: (signal) => guard.beforeRequest(target.reference, signal) });
 * ```
 */
export function registryGuard(registry: string, options: FleetLimitOptions): RegistryGuard {
  const pace = pacerFor(registry, options);
  const gate = rateLimitGate(options.perRegistry?.rateLimitFloor);
  const share = () => shareGate(registry, gate, options);
  return {
    pace,
    share,
    closed: (reference) => gate.closed(reference),
    async beforeRequest(reference, signal) {
      await pace(signal);
      await share();
      const closed = gate.closed(reference);
      if (closed !== undefined) throw closed;
    },
    async note(remaining) {
      const wasOpen = gate.remaining() === undefined;
      gate.note(remaining);
      if (wasOpen && gate.remaining() !== undefined) await share();
    },
  };
}
