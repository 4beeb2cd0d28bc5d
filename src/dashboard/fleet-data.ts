import type { HistoryStore, WorkerCheck } from "../history/history-store.js";

/** One worker of the fleet as the history knows it. */
export interface FleetWorker {
  /** `--worker-id` (default `hostname:pid`). */
  worker: string;
  /** Its newest recorded check. */
  lastCheckAt: string;
  /**
   * How many references it was the last to check: every reference is checked
   * once a cycle, so this is its share of the latest cycle(s).
   */
  checks: number;
}

/**
 * Every worker that checked something, newest check first: the fleet, from
 * one read of who checked each reference last.
 *
 * @example
 * ```ts
 * await fleetWorkers(history); // [{ worker: "w1", lastCheckAt: "2026-…", checks: 1000 }, …]
 * ```
 */
export async function fleetWorkers(history: HistoryStore): Promise<FleetWorker[]> {
  return summarizeWorkers(await history.workerChecks());
}

/**
 * Group checks by worker: each one's newest check and count.
 *
 * @example
 * ```ts
 * summarizeWorkers([{ reference: "r/a:1", worker: "w1", at: "2026-01-01T00:00:00.000Z" }]);
 * // [{ worker: "w1", lastCheckAt: "2026-01-01T00:00:00.000Z", checks: 1 }]
 * ```
 */
export function summarizeWorkers(checks: readonly WorkerCheck[]): FleetWorker[] {
  const byWorker = new Map<string, FleetWorker>();
  for (const check of checks) {
    const known = byWorker.get(check.worker);
    if (known === undefined) byWorker.set(check.worker, { worker: check.worker, lastCheckAt: check.at, checks: 1 });
    else {
      known.checks++;
      if (check.at > known.lastCheckAt) known.lastCheckAt = check.at;
    }
  }
  return [...byWorker.values()].sort((a, b) =>
    a.lastCheckAt === b.lastCheckAt ? (a.worker < b.worker ? -1 : 1) : a.lastCheckAt > b.lastCheckAt ? -1 : 1,
  );
}

/** Who checked a reference last, as shown beside it. */
export interface CheckedBy {
  checkedBy?: string;
  checkedAt?: string;
}

/**
 * The fields of a row naming who checked `reference` last (none when no
 * worker name was recorded: a watch without a database).
 *
 * @example
 * ```ts
 * checkedByOf(new Map([["r/a:1", { reference: "r/a:1", worker: "w1", at }]]), "r/a:1"); // { checkedBy: "w1", checkedAt: at }
 * ```
 */
export function checkedByOf(checks: ReadonlyMap<string, WorkerCheck>, reference: string): CheckedBy {
  const check = checks.get(reference);
  return check === undefined ? {} : { checkedBy: check.worker, checkedAt: check.at };
}
