// Work sharing among `dg watch` workers on one PostgreSQL database.
//
// Our own jobs table claimed with `SELECT … FOR UPDATE SKIP LOCKED`, rather
// than pg-boss or graphile-worker: a cycle is a fixed set of tags known at
// the tick, so jobs are rows keyed (cycle, reference) that every worker can
// insert with ON CONFLICT DO NOTHING without talking to the others; the
// done-mark must commit in the same transaction as the check's record (a
// queue library completes jobs in its own transaction, so a worker dying in
// between would leave an event recorded twice or a job done with nothing
// recorded); and the lease is one column. That is three statements, with no
// extra schema, worker loop or polling daemon to operate.
import type pg from "pg";
import type { CycleJob, DeliveryClaim, JobClaim, WorkerCheck } from "./history-store.js";
import { isoOf } from "./postgres-rows.js";

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/** A check that threw this many times is left (logged by its workers), so a cycle always ends. */
const MAX_ATTEMPTS = 3;

/**
 * Insert a cycle's jobs; the first worker to reach the tick adds them, the
 * others' inserts change nothing. True for the worker whose insert added rows.
 *
 * @example
 * ```ts
 * await planCycle(pool, "2026-01-01T00:15:00.000Z", [{ registry: "r", reference: "r/a:1" }]);
 * ```
 */
export async function planCycle(
  db: Queryable,
  cycle: string,
  jobs: { registry: string; reference: string }[],
): Promise<boolean> {
  const { rowCount } = await db.query(
    "INSERT INTO cycle_jobs (cycle, registry, reference) SELECT $1, unnest($2::text[]), unnest($3::text[]) ON CONFLICT DO NOTHING",
    [cycle, jobs.map((j) => j.registry), jobs.map((j) => j.reference)],
  );
  const planned = (rowCount ?? 0) > 0;
  // The planner of a cycle clears out the jobs of cycles long over, so the table stays a few cycles big.
  if (planned) await db.query("DELETE FROM cycle_jobs WHERE planned_at < now() - interval '1 day'");
  return planned;
}

/** Lease open jobs of one registry in a cycle: never leased, or leased by a worker whose lease ran out. */
export async function claimJobs(db: Queryable, claim: JobClaim): Promise<string[]> {
  const { rows } = await db.query(
    `UPDATE cycle_jobs SET worker = $3, attempts = attempts + 1, lease_until = now() + $5 * interval '1 millisecond'
     WHERE (cycle, reference) IN (
       SELECT cycle, reference FROM cycle_jobs
       WHERE cycle = $1 AND registry = $2 AND done_at IS NULL AND attempts < $6
         AND (lease_until IS NULL OR lease_until < now())
       ORDER BY reference LIMIT $4 FOR UPDATE SKIP LOCKED)
     RETURNING reference`,
    [claim.cycle, claim.registry, claim.worker, claim.limit, claim.leaseMs, MAX_ATTEMPTS],
  );
  return rows.map((r) => String(r.reference)).sort();
}

/** Jobs of a registry in a cycle not done yet (and not given up after {@link MAX_ATTEMPTS}). */
export async function jobsLeft(db: Queryable, cycle: string, registry: string): Promise<number> {
  const { rows } = await db.query(
    "SELECT count(*) AS left FROM cycle_jobs WHERE cycle = $1 AND registry = $2 AND done_at IS NULL AND (attempts < $3 OR lease_until > now())",
    [cycle, registry, MAX_ATTEMPTS],
  );
  return Number(rows[0]?.left ?? 0);
}

/** Jobs of a registry in a cycle left undone after {@link MAX_ATTEMPTS} claims whose leases all ran out. */
export async function givenUpJobs(db: Queryable, cycle: string, registry: string): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT reference FROM cycle_jobs WHERE cycle = $1 AND registry = $2 AND done_at IS NULL AND attempts >= $3
       AND (lease_until IS NULL OR lease_until <= now()) ORDER BY reference`,
    [cycle, registry, MAX_ATTEMPTS],
  );
  return rows.map((r) => String(r.reference));
}

/** Mark a job done inside the check's transaction; false when it already was (by another worker). */
export async function markJobDone(db: Queryable, job: CycleJob, worker: string | undefined): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE cycle_jobs SET done_at = now(), worker = coalesce($3, worker) WHERE cycle = $1 AND reference = $2 AND done_at IS NULL",
    [job.cycle, job.reference, worker ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/** Remember which worker checked a reference last. */
export async function noteWorkerCheck(db: Queryable, reference: string, worker: string, at: string): Promise<void> {
  await db.query(
    `INSERT INTO worker_checks (reference, worker, checked_at) VALUES ($1, $2, $3)
     ON CONFLICT (reference) DO UPDATE SET worker = excluded.worker, checked_at = excluded.checked_at`,
    [reference, worker, at],
  );
}

/** Which worker checked each reference last. */
export async function workerChecks(db: Queryable): Promise<WorkerCheck[]> {
  const { rows } = await db.query("SELECT reference, worker, checked_at FROM worker_checks ORDER BY reference");
  return rows.map((r) => ({ reference: String(r.reference), worker: String(r.worker), at: isoOf(r.checked_at) }));
}

/** Lease due deliveries: exactly one worker sends each; one whose worker died is taken again after the lease. */
export async function claimDeliveries(db: Queryable, claim: DeliveryClaim): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query(
    `UPDATE deliveries SET leased_by = $2, lease_until = now() + $3 * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM deliveries
       WHERE delivered_at IS NULL AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < now())
       ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [claim.dueAt, claim.worker, claim.leaseMs, claim.limit ?? 100],
  );
  return rows.sort((a, b) => isoOf(a.next_attempt_at).localeCompare(isoOf(b.next_attempt_at)));
}

/**
 * The next request slot of a registry, shared by every worker: one row per
 * registry moved forward atomically, so the configured requests per second
 * hold for the fleet, not per process.
 */
export async function takeRequestSlot(db: Queryable, registry: string, gapMs: number): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO registry_pace (registry, next_slot) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
     ON CONFLICT (registry) DO UPDATE
       SET next_slot = greatest(registry_pace.next_slot, clock_timestamp()) + $2 * interval '1 millisecond'
     RETURNING next_slot - $2 * interval '1 millisecond' AS slot, clock_timestamp() AS now`,
    [registry, gapMs],
  );
  // The database's clock decides the order; the wait is measured against it, not this host's clock.
  const slot = new Date(isoOf(rows[0]?.slot)).getTime();
  const now = new Date(isoOf(rows[0]?.now)).getTime();
  return Date.now() + Math.max(0, slot - now);
}

/** Pause a registry for the rest of a cycle, for every worker. */
export async function pauseRegistry(db: Queryable, cycle: string, registry: string, remaining: number): Promise<void> {
  await db.query(
    `INSERT INTO registry_pace (registry, paused_cycle, paused_remaining) VALUES ($1, $2, $3)
     ON CONFLICT (registry) DO UPDATE SET paused_cycle = $2, paused_remaining = $3`,
    [registry, cycle, remaining],
  );
}

/** What was left when the registry was paused in this cycle, if it was. */
export async function registryPaused(db: Queryable, cycle: string, registry: string): Promise<number | undefined> {
  const { rows } = await db.query(
    "SELECT paused_remaining FROM registry_pace WHERE registry = $1 AND paused_cycle = $2",
    [registry, cycle],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].paused_remaining);
}
