import type { CycleJob, JobClaim, WorkerCheck } from "./history-store.js";
import type { PostgresSession } from "./postgres-session.js";
import * as work from "./postgres-work.js";

/**
 * The cycle jobs of a PostgreSQL history, shared by every worker on the
 * database (the queries live in postgres-work.ts): each call runs on the
 * pool and fails as a history error naming what it was doing. The method
 * names match InProcessJobs, the SQLite history's in-memory jobs.
 *
 * @example
 * ```ts
 * const jobs = new PostgresJobs(session);
 * if (await jobs.plan(cycle, targets)) await jobs.claim({ cycle, registry, worker, limit: 16, leaseMs: 60_000 });
 * ```
 */
export class PostgresJobs {
  constructor(private readonly db: PostgresSession) {}

  plan(cycle: string, jobs: { registry: string; reference: string }[]): Promise<boolean> {
    return this.db.guard("plan a cycle", () => work.planCycle(this.db.pool, cycle, jobs));
  }

  claim(claim: JobClaim): Promise<string[]> {
    return this.db.guard("claim checks", () => work.claimJobs(this.db.pool, claim));
  }

  left(cycle: string, registry: string): Promise<number> {
    return this.db.guard("count open checks", () => work.jobsLeft(this.db.pool, cycle, registry));
  }

  givenUp(cycle: string, registry: string): Promise<string[]> {
    return this.db.guard("read given-up checks", () => work.givenUpJobs(this.db.pool, cycle, registry));
  }

  finish(job: CycleJob, worker: string): Promise<boolean> {
    return this.db.guard("mark a job done", () => work.markJobDone(this.db.pool, job, worker));
  }

  takeSlot(registry: string, gapMs: number): Promise<number> {
    return this.db.guard("take a request slot", () => work.takeRequestSlot(this.db.pool, registry, gapMs));
  }

  async pause(cycle: string, registry: string, remaining: number): Promise<void> {
    await this.db.guard("pause a registry", () => work.pauseRegistry(this.db.pool, cycle, registry, remaining));
  }

  paused(cycle: string, registry: string): Promise<number | undefined> {
    return this.db.guard("read a registry's pause", () => work.registryPaused(this.db.pool, cycle, registry));
  }

  workerChecks(): Promise<WorkerCheck[]> {
    return this.db.guard("read worker checks", () => work.workerChecks(this.db.pool));
  }
}
