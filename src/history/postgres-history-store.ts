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
import { countPostgres, loadPostgres } from "./postgres-load.js";
import { migratePostgres, POSTGRES_MIGRATIONS, schemaVersion } from "./postgres-migrations.js";
import { poolConfig } from "./postgres-pool.js";
import { pgDelivery, pgEvent, pgObservation } from "./postgres-rows.js";
import * as work from "./postgres-work.js";
import { summarize } from "./reference-summaries.js";
import { insertEvents, observe, recordUnchanged, setConditions } from "./postgres-writes.js";

/** A connection or a pool: what a query needs. */
export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/**
 * The history on PostgreSQL, for several workers sharing one database: the
 * same behaviour as the SQLite store, each multi-row write in one
 * transaction, a pool of connections, and the work-sharing tables (see
 * postgres-work.ts). Opened through open-history-store.ts, which loads `pg`
 * only when a PostgreSQL URL is configured.
 *
 * @example
 * ```ts
 * const history = await PostgresHistoryStore.open("postgres://dg@db/dg");
 * await history.latest("docker.io/library/alpine:3.19");
 * await history.close();
 * ```
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly #pool: pg.Pool;
  /** The URL with its password hidden: what messages show. */
  readonly where: string;

  private constructor(pool: pg.Pool, where: string) {
    this.#pool = pool;
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

  async latest(reference: string): Promise<Observation | undefined> {
    const [row] = await this.#rows(
      "read the latest observation",
      "SELECT * FROM observations WHERE reference = $1 ORDER BY id DESC LIMIT 1",
      [reference],
    );
    return row === undefined ? undefined : pgObservation(row);
  }

  async hasSeen(reference: string, digest: string): Promise<boolean> {
    const rows = await this.#rows(
      "look up a digest",
      "SELECT 1 FROM observations WHERE reference = $1 AND digest = $2 LIMIT 1",
      [reference, digest],
    );
    return rows.length > 0;
  }

  async recordCheck(record: CheckRecord): Promise<StoredEvent[]> {
    if (await this.#guard("record a check", () => recordUnchanged(this.#pool, record))) return [];
    return this.#transaction("record a check", async (client) => {
      // One writer per reference at a time: the job's row lock, or outside jobs an advisory lock,
      // so extend-or-insert never interleaves.
      if (record.job !== undefined) {
        if (!(await work.markJobDone(client, record.job, record.worker))) return undefined;
      } else await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [record.reference]);
      if (record.sighting !== undefined) await observe(client, record.reference, record.sighting, record.at);
      if (record.conditions !== undefined) await setConditions(client, record.reference, record.conditions, record.at);
      if (record.worker !== undefined) await work.noteWorkerCheck(client, record.reference, record.worker, record.at);
      return insertEvents(client, record.events, record.notifyTo, record.at);
    }).then((stored) => stored ?? []);
  }

  async openConditions(reference: string): Promise<Set<string>> {
    const rows = await this.#rows(
      "read open conditions",
      "SELECT condition FROM open_conditions WHERE reference = $1",
      [reference],
    );
    return new Set(rows.map((r) => String(r.condition)));
  }

  async knownTags(repository: string): Promise<Set<string>> {
    const rows = await this.#rows("read known tags", "SELECT tag FROM known_tags WHERE repository = $1", [repository]);
    return new Set(rows.map((r) => String(r.tag)));
  }

  async recordTags(record: TagListingRecord): Promise<StoredEvent[]> {
    return this.#transaction("record a tag listing", async (client) => {
      await client.query(
        "INSERT INTO known_tags (repository, tag, first_seen) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
        [record.repository, record.tags, record.at],
      );
      return insertEvents(client, record.events, record.notifyTo, record.at);
    }).then((stored) => stored ?? []);
  }

  async timeline(reference: string): Promise<Observation[]> {
    const rows = await this.#rows("read the timeline", "SELECT * FROM observations WHERE reference = $1 ORDER BY id", [
      reference,
    ]);
    return rows.map(pgObservation);
  }

  async observationAt(reference: string, time: string): Promise<Observation | undefined> {
    const [row] = await this.#rows(
      "read the timeline",
      "SELECT * FROM observations WHERE reference = $1 AND first_seen <= $2 ORDER BY first_seen DESC, id DESC LIMIT 1",
      [reference, time],
    );
    return row === undefined ? undefined : pgObservation(row);
  }

  async references(): Promise<string[]> {
    const rows = await this.#rows("list references", "SELECT DISTINCT reference FROM observations ORDER BY reference");
    return rows.map((r) => String(r.reference));
  }

  async referenceSummaries(): Promise<ReferenceSummary[]> {
    // DISTINCT ON walks observations_latest (reference, id DESC) and events_by_reference once each.
    const latest = await this.#rows(
      "summarise references",
      "SELECT DISTINCT ON (reference) * FROM observations ORDER BY reference, id DESC",
    );
    const lastEvents = await this.#rows(
      "summarise references",
      "SELECT DISTINCT ON (reference) * FROM events ORDER BY reference, id DESC",
    );
    return summarize(latest.map(pgObservation), lastEvents.map(pgEvent));
  }

  async events(options: { limit?: number; reference?: string } = {}): Promise<StoredEvent[]> {
    const rows = await this.#rows(
      "read events",
      "SELECT * FROM events WHERE ($2::text IS NULL OR reference = $2) ORDER BY id DESC LIMIT $1",
      [options.limit ?? 100, options.reference ?? null],
    );
    return rows.map(pgEvent);
  }

  async addEvent(event: WatchEvent, notifiers: string[]): Promise<StoredEvent> {
    const [stored] =
      (await this.#transaction("add an event", (client) => insertEvents(client, [event], () => notifiers, event.at))) ??
      [];
    return stored as StoredEvent;
  }

  async event(id: number): Promise<StoredEvent | undefined> {
    const [row] = await this.#rows("read an event", "SELECT * FROM events WHERE id = $1", [id]);
    return row === undefined ? undefined : pgEvent(row);
  }

  async pendingDeliveries(options: { dueAt?: string; limit?: number } = {}): Promise<Delivery[]> {
    // LIMIT NULL is LIMIT ALL.
    const rows = await this.#rows(
      "read the outbox",
      "SELECT * FROM deliveries WHERE delivered_at IS NULL AND ($1::timestamptz IS NULL OR next_attempt_at <= $1) ORDER BY next_attempt_at, id LIMIT $2",
      [options.dueAt ?? null, options.limit ?? null],
    );
    return rows.map(pgDelivery);
  }

  async pendingDeliveryCount(): Promise<number> {
    const [row] = await this.#rows(
      "count the outbox",
      "SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL",
    );
    return Number(row?.["n"] ?? 0);
  }

  async pendingDelivery(id: string): Promise<Delivery | undefined> {
    const [row] = await this.#rows(
      "read a delivery",
      "SELECT * FROM deliveries WHERE id = $1 AND delivered_at IS NULL",
      [id],
    );
    return row === undefined ? undefined : pgDelivery(row);
  }

  async markDelivered(id: string, at: string): Promise<void> {
    await this.#rows(
      "mark a delivery done",
      "UPDATE deliveries SET delivered_at = $1, attempts = attempts + 1, lease_until = NULL WHERE id = $2",
      [at, id],
    );
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.#rows(
      "record a failed delivery",
      "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3",
      // PostgreSQL text cannot hold NUL, which a notifier command's stderr may: the attempt must still count.
      [error.slice(0, 1000).replaceAll("\0", "\uFFFD"), nextAttemptAt, id],
    );
  }

  async planCycle(cycle: string, jobs: { registry: string; reference: string }[]): Promise<boolean> {
    return this.#guard("plan a cycle", () => work.planCycle(this.#pool, cycle, jobs));
  }

  async claimJobs(claim: JobClaim): Promise<string[]> {
    return this.#guard("claim checks", () => work.claimJobs(this.#pool, claim));
  }

  async jobsLeft(cycle: string, registry: string): Promise<number> {
    return this.#guard("count open checks", () => work.jobsLeft(this.#pool, cycle, registry));
  }

  async givenUpJobs(cycle: string, registry: string): Promise<string[]> {
    return this.#guard("read given-up checks", () => work.givenUpJobs(this.#pool, cycle, registry));
  }

  async finishJob(job: CycleJob, worker: string): Promise<boolean> {
    return this.#guard("mark a job done", () => work.markJobDone(this.#pool, job, worker));
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.#guard("claim deliveries", async () => (await work.claimDeliveries(this.#pool, claim)).map(pgDelivery));
  }

  async takeRequestSlot(registry: string, gapMs: number): Promise<number> {
    return this.#guard("take a request slot", () => work.takeRequestSlot(this.#pool, registry, gapMs));
  }

  async pauseRegistry(cycle: string, registry: string, remaining: number): Promise<void> {
    await this.#guard("pause a registry", () => work.pauseRegistry(this.#pool, cycle, registry, remaining));
  }

  async registryPaused(cycle: string, registry: string): Promise<number | undefined> {
    return this.#guard("read a registry's pause", () => work.registryPaused(this.#pool, cycle, registry));
  }

  async workerChecks(): Promise<WorkerCheck[]> {
    return this.#guard("read worker checks", () => work.workerChecks(this.#pool));
  }

  async status(): Promise<HistoryStatus> {
    return this.#guard("read the status", async () => ({
      backend: "postgres" as const,
      location: this.where,
      schema: { version: await schemaVersion(this.#pool), latest: POSTGRES_MIGRATIONS.length },
      counts: await countPostgres(this.#pool),
    }));
  }

  /** Load a dump into this (empty) history in one transaction, for `dg db copy`. */
  async load(dump: HistoryDump): Promise<void> {
    await this.#transaction("copy the history in", async (client) => {
      await loadPostgres(client, dump, this.where);
      return true;
    });
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  /** Run a query on the pool, as plain rows. */
  async #rows(doing: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.#guard(doing, async () => (await this.#pool.query(sql, params)).rows);
  }

  async #guard<T>(doing: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw postgresError(error, doing, this.where);
    }
  }

  /** BEGIN … COMMIT on one connection; ROLLBACK on failure (and when `body` answers undefined). */
  async #transaction<T>(
    doing: string,
    body: (client: pg.PoolClient) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    return this.#guard(doing, async () => {
      const client = await this.#pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await body(client);
        await client.query(result === undefined ? "ROLLBACK" : "COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }
}
