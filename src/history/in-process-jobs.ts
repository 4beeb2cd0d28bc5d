import type { CycleJob, JobClaim } from "./history-store.js";

/**
 * The cycle jobs of a store only one process writes (SQLite): kept in
 * memory, a job is done once claimed (a check that throws is counted as an
 * error, as before, not retried), and request slots are spaced in-process.
 *
 * @example
 * ```ts
 * const jobs = new InProcessJobs();
 * jobs.plan("2026-01-01T00:00:00.000Z", [{ registry: "r", reference: "r/a:1" }]);
 * jobs.claim({ cycle: "2026-01-01T00:00:00.000Z", registry: "r", worker: "w", limit: 10, leaseMs: 1 }); // ["r/a:1"]
 * ```
 */
export class InProcessJobs {
  #cycle: string | undefined;
  #open = new Map<string, string[]>();
  #nextSlot = new Map<string, number>();
  #finished = new Set<string>();

  plan(cycle: string, jobs: { registry: string; reference: string }[]): boolean {
    if (this.#cycle === cycle) return false;
    this.#cycle = cycle;
    this.#open = new Map();
    this.#finished = new Set();
    for (const { registry, reference } of jobs)
      this.#open.set(registry, [...(this.#open.get(registry) ?? []), reference]);
    return true;
  }

  claim(claim: JobClaim): string[] {
    if (claim.cycle !== this.#cycle) return [];
    const open = this.#open.get(claim.registry) ?? [];
    return open.splice(0, claim.limit);
  }

  left(cycle: string, registry: string): number {
    return cycle === this.#cycle ? (this.#open.get(registry)?.length ?? 0) : 0;
  }

  /** A claimed job is done already here; this only says whether it was finished before. */
  finish(job: CycleJob): boolean {
    if (job.cycle !== this.#cycle || this.#finished.has(job.reference)) return false;
    this.#finished.add(job.reference);
    return true;
  }

  takeSlot(registry: string, gapMs: number): number {
    const start = Math.max(Date.now(), this.#nextSlot.get(registry) ?? 0);
    this.#nextSlot.set(registry, start + gapMs);
    return start;
  }
}
