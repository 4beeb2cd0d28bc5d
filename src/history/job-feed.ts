import type { HistoryStore } from "./history-store.js";

/** What a feed claims from: one cycle's jobs of one registry (or queue), for one worker. */
export interface JobFeedOptions {
  history: HistoryStore;
  cycle: string;
  /** The jobs' registry column: a registry for watch, `sync` for a sync pass. */
  registry: string;
  worker: string;
  /** How long a claimed job stays this worker's before another may take it. */
  leaseMs: number;
  /** Jobs claimed at a time. */
  batchSize: number;
  /** Run before each claim (watch shares its rate-limit floor with the fleet here). */
  beforeClaim?: () => Promise<void>;
  /** Told once, when the cycle ends, of jobs no worker will take any more (their workers kept dying). */
  onGivenUp?: (references: string[]) => void;
  signal?: AbortSignal;
}

/**
 * The next job (its reference) this worker should do in a cycle shared with
 * the other workers on the database; undefined when every job is done. It
 * claims in batches (one claim at a time, refilled as soon as the last
 * claimed job is taken, so work never waits for a batch's slowest), and when
 * nothing is left to claim but jobs are still leased to other workers it
 * waits and claims again: a job whose worker died is taken over once its
 * lease runs out; one whose workers kept dying is given up (so the cycle
 * ends) and `onGivenUp` is told. Shared by watch's cycles and sync's passes.
 *
 * @example
 * ```ts
 * const next = jobFeed({ history, cycle, registry: "sync", worker: "w1", leaseMs: 120_000, batchSize: 1 });
 * for (let job = await next(); job !== undefined; job = await next()) await doJob(job);
 * ```
 */
export function jobFeed(options: JobFeedOptions): () => Promise<string | undefined> {
  const queue: string[] = [];
  const pollMs = Math.min(1000, Math.max(50, options.leaseMs / 10));
  let finished = false;
  let refilling: Promise<void> | undefined;
  const refill = async (): Promise<void> => {
    options.signal?.throwIfAborted();
    await options.beforeClaim?.();
    const claimed = await options.history.claimJobs({
      cycle: options.cycle,
      registry: options.registry,
      worker: options.worker,
      leaseMs: options.leaseMs,
      limit: options.batchSize,
    });
    queue.push(...claimed);
    if (claimed.length > 0) return;
    if ((await options.history.jobsLeft(options.cycle, options.registry)) === 0) {
      finished = true;
      await reportGivenUp(options);
    } else await new Promise((resolve) => setTimeout(resolve, pollMs));
  };
  return async () => {
    for (;;) {
      const job = queue.shift();
      if (job !== undefined) return job;
      if (finished) return undefined;
      refilling ??= refill().finally(() => {
        refilling = undefined;
      });
      await refilling;
    }
  };
}

// A job given up is skipped silently by the claims; say so, or a reference just goes unchecked.
async function reportGivenUp(options: JobFeedOptions): Promise<void> {
  if (options.onGivenUp === undefined) return;
  const references = await options.history.givenUpJobs(options.cycle, options.registry);
  if (references.length > 0) options.onGivenUp(references);
}
