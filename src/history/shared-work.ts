import { hostname } from "node:os";
import { Cron } from "croner";

/**
 * The tick of `schedule` a cycle belongs to: the newest at or before `now`.
 * Workers on one database name a cycle (watch) or a pass (sync) alike
 * without talking to each other.
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

/** How long (ms) a claimed job stays a worker's unless `--lease-seconds` says otherwise. */
export const DEFAULT_LEASE_MS = 120_000;

/**
 * This process's worker name unless `--worker-id` gives one.
 *
 * @example
 * ```ts
 * defaultWorkerId(); // "build-host:4242"
 * ```
 */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}
