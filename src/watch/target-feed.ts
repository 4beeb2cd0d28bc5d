import type { HistoryStore } from "../history/history-store.js";
import type { SharedCycle } from "./shared-cycle.js";
import type { WatchTarget } from "./watch-targets.js";

/** What a feed hands out from: one registry's targets, and in a shared cycle the jobs to claim. */
export interface FeedOptions {
  history: HistoryStore;
  registry: string;
  targets: WatchTarget[];
  shared?: SharedCycle;
  /** Jobs claimed at a time. */
  batchSize: number;
  /** Run before each claim (shares the rate-limit floor with the fleet). */
  beforeClaim?: () => Promise<void>;
  signal?: AbortSignal;
}

/**
 * The next target to check, for a registry's concurrent checks to pull
 * from; undefined when there is none left. Without `shared` it hands out
 * every target. With it, it claims jobs in batches (one claim at a time,
 * refilled as soon as the last claimed target is taken, so checks never wait
 * for a batch's slowest), and when nothing is left to claim but jobs are still
 * leased to other workers it waits and claims again — a job whose worker died
 * is taken over once its lease runs out. It ends when every job is done.
 *
 * @example
 * ```ts
 * const next = targetFeed({ history, registry, targets, shared, batchSize: 64 });
 * for (let t = await next(); t !== undefined; t = await next()) await check(t);
 * ```
 */
export function targetFeed(options: FeedOptions): () => Promise<WatchTarget | undefined> {
  const queue = options.shared === undefined ? [...options.targets] : [];
  if (options.shared === undefined) return async () => queue.shift();
  const shared = options.shared;
  const byReference = new Map(options.targets.map((t) => [t.reference, t]));
  const pollMs = Math.min(1000, Math.max(50, shared.leaseMs / 10));
  let finished = false;
  let refilling: Promise<void> | undefined;
  const refill = async (): Promise<void> => {
    options.signal?.throwIfAborted();
    await options.beforeClaim?.();
    const claimed = await options.history.claimJobs({
      ...shared,
      registry: options.registry,
      limit: options.batchSize,
    });
    // A job another worker's config added (a reload in between) is left to a worker that knows it.
    for (const reference of claimed) {
      const target = byReference.get(reference);
      if (target !== undefined) queue.push(target);
    }
    if (claimed.length > 0) return;
    if ((await options.history.jobsLeft(shared.cycle, options.registry)) === 0) finished = true;
    else await new Promise((resolve) => setTimeout(resolve, pollMs));
  };
  return async () => {
    for (;;) {
      const target = queue.shift();
      if (target !== undefined) return target;
      if (finished) return undefined;
      refilling ??= refill().finally(() => {
        refilling = undefined;
      });
      await refilling;
    }
  };
}
