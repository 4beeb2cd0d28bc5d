import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Cron } from "croner";

/** How a worker takes part in cycles shared with the other workers on its database. */
export interface SharedCycle {
  /** The cycle's name, the same in every worker: the schedule's tick (ISO). */
  cycle: string;
  /** `--worker-id`; default `hostname:pid`. */
  worker: string;
  /** How long a claimed check stays this worker's before another may take it. */
  leaseMs: number;
}

/** How long (ms) a claimed check stays a worker's unless `--lease-seconds` says otherwise. */
export const DEFAULT_LEASE_MS = 120_000;

/**
 * The tick of `schedule` a cycle belongs to: the newest at or before `now`.
 * Workers on one database name a cycle alike without talking to each other.
 *
 * @example
 * ```ts
 * cycleTick("*\/15 * * * *", new Date("2026-01-01T00:16:40Z")); // "2026-01-01T00:15:00.000Z"
 * ```
 */
export function cycleTick(schedule: string, now: Date = new Date()): string {
  const [tick] = new Cron(schedule, { paused: true }).previousRuns(1, new Date(now.getTime() + 1));
  return (tick ?? now).toISOString();
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

/** This process's worker name unless `--worker-id` gives one. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}
