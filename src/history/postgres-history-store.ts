import pg from "pg";
import type {
  CheckRecord,
  CycleJob,
  Delivery,
  DeliveryClaim,
  HistoryStatus,
  HistoryStore,
  JobClaim,
  Observation,
  ReferenceSummary,
  StoredEvent,
  TagListingRecord,
  WatchEvent,
  WorkerCheck,
} from "./history-store.js";
import { postgresError, redactUrl } from "./postgres-errors.js";
import type { HistoryDump } from "./history-dump.js";
import { PostgresJobs } from "./postgres-jobs.js";
import { countPostgres, loadPostgres } from "./postgres-load.js";
import { migratePostgres, POSTGRES_MIGRATIONS, schemaVersion } from "./postgres-migrations.js";
import { PostgresOutbox } from "./postgres-outbox.js";
import { poolConfig } from "./postgres-pool.js";
import * as reads from "./postgres-reads.js";
import { PostgresSession } from "./postgres-session.js";
import { addEventIn, recordCheckIn, recordTagsIn } from "./postgres-transactions.js";

export type { Queryable } from "./postgres-session.js";

/**
 * The history on PostgreSQL, for several workers sharing one database: the
 * same behaviour as the SQLite store, each multi-row write in one
 * transaction, a pool of connections, and the work-sharing tables (see
 * postgres-work.ts). Opened through open-history-store.ts, which loads `pg`
 * only when a PostgreSQL URL is configured. The writes, reads, outbox and
 * jobs live in postgres-transactions.ts, postgres-reads.ts, postgres-outbox.ts
 * and postgres-jobs.ts; this class wires them to one pool.
 *
 * @example
 * ```ts
 * const history = await PostgresHistoryStore.open("postgres://dg@db/dg");
 * await history.latest("docker.io/library/alpine:3.19");
 * await history.close();
 * ```
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly #db: PostgresSession;
  readonly #outbox: PostgresOutbox;
  readonly #jobs: PostgresJobs;
  /** The URL with its password hidden: what messages show. */
  readonly where: string;

  private constructor(pool: pg.Pool, where: string) {
    this.#db = new PostgresSession(pool, where);
    this.#outbox = new PostgresOutbox(this.#db);
    this.#jobs = new PostgresJobs(this.#db);
    this.where = where;
  }

  /** Connect and migrate (unless `readonly`); migrations of workers starting at once do not race. */
  static async open(
    url: string,
    options: { readonly?: boolean; poolSize?: number } = {},
  ): Promise<PostgresHistoryStore> {
    const where = redactUrl(url);
    const pool = new pg.Pool(poolConfig(url, options.poolSize ?? 10));
    // An idle connection the server dropped: the next query reports it, the process must not die of it.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, where, options.readonly === true ? { readonly: true } : {});
      } finally {
        client.release();
      }
      return new PostgresHistoryStore(pool, where);
    } catch (error) {
      await pool.end().catch(() => {});
      throw postgresError(error, "open the database", where);
    }
  }

  recordCheck(record: CheckRecord): Promise<StoredEvent[]> {
    return recordCheckIn(this.#db, record);
  }

  recordTags(record: TagListingRecord): Promise<StoredEvent[]> {
    return recordTagsIn(this.#db, record);
  }

  addEvent(event: WatchEvent, notifiers: string[]): Promise<StoredEvent> {
    return addEventIn(this.#db, event, notifiers);
  }

  latest(reference: string): Promise<Observation | undefined> {
    return reads.latestObservation(this.#db, reference);
  }

  hasSeen(reference: string, digest: string): Promise<boolean> {
    return reads.hasSeenDigest(this.#db, reference, digest);
  }

  openConditions(reference: string): Promise<Set<string>> {
    return reads.openConditionsOf(this.#db, reference);
  }

  knownTags(repository: string): Promise<Set<string>> {
    return reads.knownTagsOf(this.#db, repository);
  }

  timeline(reference: string): Promise<Observation[]> {
    return reads.timelineOf(this.#db, reference);
  }

  observationAt(reference: string, time: string): Promise<Observation | undefined> {
    return reads.observationAtTime(this.#db, reference, time);
  }

  references(): Promise<string[]> {
    return reads.observedReferences(this.#db);
  }

  referenceSummaries(): Promise<ReferenceSummary[]> {
    return reads.summariseReferences(this.#db);
  }

  events(options: { limit?: number; reference?: string } = {}): Promise<StoredEvent[]> {
    return reads.recentEvents(this.#db, options);
  }

  event(id: number): Promise<StoredEvent | undefined> {
    return reads.eventById(this.#db, id);
  }

  pendingDeliveries(options: { dueAt?: string; limit?: number } = {}): Promise<Delivery[]> {
    return this.#outbox.pending(options);
  }

  pendingDeliveryCount(): Promise<number> {
    return this.#outbox.count();
  }

  pendingDelivery(id: string): Promise<Delivery | undefined> {
    return this.#outbox.one(id);
  }

  markDelivered(id: string, at: string): Promise<void> {
    return this.#outbox.markDelivered(id, at);
  }

  markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    return this.#outbox.markAttemptFailed(id, error, nextAttemptAt);
  }

  claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.#outbox.claim(claim);
  }

  planCycle(cycle: string, jobs: { registry: string; reference: string }[]): Promise<boolean> {
    return this.#jobs.plan(cycle, jobs);
  }

  claimJobs(claim: JobClaim): Promise<string[]> {
    return this.#jobs.claim(claim);
  }

  jobsLeft(cycle: string, registry: string): Promise<number> {
    return this.#jobs.left(cycle, registry);
  }

  givenUpJobs(cycle: string, registry: string): Promise<string[]> {
    return this.#jobs.givenUp(cycle, registry);
  }

  finishJob(job: CycleJob, worker: string): Promise<boolean> {
    return this.#jobs.finish(job, worker);
  }

  takeRequestSlot(registry: string, gapMs: number): Promise<number> {
    return this.#jobs.takeSlot(registry, gapMs);
  }

  pauseRegistry(cycle: string, registry: string, remaining: number): Promise<void> {
    return this.#jobs.pause(cycle, registry, remaining);
  }

  registryPaused(cycle: string, registry: string): Promise<number | undefined> {
    return this.#jobs.paused(cycle, registry);
  }

  workerChecks(): Promise<WorkerCheck[]> {
    return this.#jobs.workerChecks();
  }

  async status(): Promise<HistoryStatus> {
    return this.#db.guard("read the status", async () => ({
      backend: "postgres" as const,
      location: this.where,
      schema: { version: await schemaVersion(this.#db.pool), latest: POSTGRES_MIGRATIONS.length },
      counts: await countPostgres(this.#db.pool),
    }));
  }

  /** Load a dump into this (empty) history in one transaction, for `dg db copy`. */
  async load(dump: HistoryDump): Promise<void> {
    await this.#db.transaction("copy the history in", async (client) => {
      await loadPostgres(client, dump, this.where);
      return true;
    });
  }

  async close(): Promise<void> {
    if (!this.#db.pool.ended) await this.#db.pool.end();
  }
}
