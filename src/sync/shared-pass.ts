import type { SyncImageSettings } from "../config/config-schema.js";
import type { HistoryStore } from "../history/history-store.js";
import { jobFeed } from "../history/job-feed.js";

/** How a `sync --schedule` worker shares a pass with the other workers on its database. */
export interface SharedPass {
  history: HistoryStore;
  /** The pass's name, the same in every worker: `sync:` and the schedule's tick. */
  cycle: string;
  /** `--worker-id`; default `hostname:pid`. */
  worker: string;
  /** How long a claimed image stays this worker's before another may take it over. */
  leaseMs: number;
}

/** The jobs table's registry column for sync's passes: they are one queue, apart from watch's registries. */
export const SYNC_QUEUE = "sync";

/**
 * An image's job name in a pass: its place in `sync.images` and its source
 * (the same source may be listed twice, towards two targets). Workers must
 * share one config for the names to agree.
 *
 * @example
 * ```ts
 * imageJob(0, { source: "docker.io/library/alpine" }); // "0:docker.io/library/alpine"
 * ```
 */
export function imageJob(index: number, image: Pick<SyncImageSettings, "source">): string {
  return `${index}:${image.source}`;
}

/**
 * The `sync.images` indexes this worker syncs in a shared pass. The pass's
 * images become jobs (the first worker at the tick adds them; the others'
 * plans add nothing), claimed one at a time under a lease: an image is one
 * job, not image × tag, because its tags are known only after listing the
 * source, and a worker listing it once and copying its tags in a row keeps
 * one listing per image per pass and its mounts between tags. An image is
 * marked done when the consumer asks for the next one after syncing it; a
 * worker that dies mid-image leaves it leased, and another takes it over
 * once the lease runs out (copies are idempotent: what arrived is kept).
 * Nothing new is claimed once `stop` fires.
 *
 * @example
 * ```ts
 * for await (const index of sharedImages(settings.images, shared, stop)) await syncImage(settings.images[index]);
 * ```
 */
export async function* sharedImages(
  images: readonly SyncImageSettings[],
  shared: SharedPass,
  stop?: AbortSignal,
): AsyncGenerator<number> {
  const indexOf = new Map(images.map((image, index) => [imageJob(index, image), index]));
  await shared.history.planCycle(
    shared.cycle,
    [...indexOf.keys()].map((reference) => ({ registry: SYNC_QUEUE, reference })),
  );
  const next = jobFeed({ ...shared, registry: SYNC_QUEUE, batchSize: 1 });
  while (stop?.aborted !== true) {
    const job = await next();
    if (job === undefined) return;
    const index = indexOf.get(job);
    // A job from a worker with another config is left to a worker that knows it.
    if (index === undefined) continue;
    yield index;
    await shared.history.finishJob({ cycle: shared.cycle, reference: job }, shared.worker);
  }
}
