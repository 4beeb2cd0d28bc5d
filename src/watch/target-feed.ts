import type { HistoryStore } from "../history/history-store.js";
import { jobFeed } from "../history/job-feed.js";
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
  /** Told of jobs no worker will take any more (see jobFeed). */
  onGivenUp?: (references: string[]) => void;
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
  if (options.shared === undefined) {
    const queue = [...options.targets];
    return async () => queue.shift();
  }
  const byReference = new Map(options.targets.map((t) => [t.reference, t]));
  const next = jobFeed({
    history: options.history,
    ...options.shared,
    registry: options.registry,
    batchSize: options.batchSize,
    ...(options.beforeClaim ? { beforeClaim: options.beforeClaim } : {}),
    ...(options.onGivenUp ? { onGivenUp: options.onGivenUp } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return async () => {
    for (let reference = await next(); reference !== undefined; reference = await next()) {
      // A job another worker's config added (a reload in between) is left to a worker that knows it.
      const target = byReference.get(reference);
      if (target !== undefined) return target;
    }
    return undefined;
  };
}
