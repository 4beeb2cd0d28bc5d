import { randomUUID } from "node:crypto";

// The tick naming, lease default and worker name live in history/, so sync's passes share them.
export { cycleTick, DEFAULT_LEASE_MS, defaultWorkerId } from "../history/shared-work.js";

/** How a worker takes part in cycles shared with the other workers on its database. */
export interface SharedCycle {
  /** The cycle's name, the same in every worker: the schedule's tick (ISO). */
  cycle: string;
  /** `--worker-id`; default `hostname:pid`. */
  worker: string;
  /** How long a claimed check stays this worker's before another may take it. */
  leaseMs: number;
}

/**
 * A cycle of `--once`: a name of its own, so a run shares no work with an
 * earlier one of the same tick (which would find every check done).
 *
 * @example
 * ```ts
 * onceCycle(); // "once:2026-01-01T00:16:40.000Z:5f0c…"
 * ```
 */
export function onceCycle(now: Date = new Date()): string {
  return `once:${now.toISOString()}:${randomUUID()}`;
}
