import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { InProcessJobs } from "./in-process-jobs.js";
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
import { historyError } from "./sqlite-errors.js";
import { countSqlite, dumpSqlite, type HistoryDump } from "./history-dump.js";
import { MIGRATIONS, migrate } from "./sqlite-migrations.js";
import { SqliteOutbox } from "./sqlite-outbox.js";
import * as reads from "./sqlite-reads.js";
import { SqliteSession } from "./sqlite-session.js";
import { addEventIn, recordCheckIn, recordTagsIn } from "./sqlite-transactions.js";

/**
 * The embedded history: one SQLite file in WAL mode, so a reader (`dg
 * history`) never blocks the watcher and a killed process loses no committed
 * check or delivery. The writes, reads and outbox live in sqlite-transactions.ts,
 * sqlite-reads.ts and sqlite-outbox.ts; this class wires them to one database.
 *
 * @example
 * ```ts
 * const history = SqliteHistoryStore.open("/var/lib/dg/history.sqlite");
 * const latest = await history.latest("docker.io/library/alpine:3.19");
 * await history.close();
 * ```
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #db: SqliteSession;
  readonly #outbox: SqliteOutbox;
  // One process writes a SQLite history: its cycle jobs need no table.
  readonly #jobs = new InProcessJobs();

  private constructor(db: Database.Database, path: string) {
    this.#db = new SqliteSession(db, path);
    this.#outbox = new SqliteOutbox(this.#db);
  }

  /** Open (creating when missing) and migrate the database at `path`. */
  static open(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): SqliteHistoryStore {
    let db: Database.Database | undefined;
    try {
      if (options.readonly !== true) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, {
        readonly: options.readonly === true,
        fileMustExist: options.readonly === true,
        timeout: options.busyTimeoutMs ?? 5000,
      });
      if (options.readonly !== true) {
        db.pragma("journal_mode = WAL");
        // WAL + NORMAL survives a killed process (not a power cut) without an fsync per check.
        db.pragma("synchronous = NORMAL");
        migrate(db, path);
      } else migrate(db, path, { readonly: true });
      return new SqliteHistoryStore(db, path);
    } catch (error) {
      db?.close();
      throw historyError(error, "open the database", path);
    }
  }

  async recordCheck(record: CheckRecord): Promise<StoredEvent[]> {
    return recordCheckIn(this.#db, record);
  }

  async recordTags(record: TagListingRecord): Promise<StoredEvent[]> {
    return recordTagsIn(this.#db, record);
  }

  async addEvent(event: WatchEvent, notifiers: string[]): Promise<StoredEvent> {
    return addEventIn(this.#db, event, notifiers);
  }

  async latest(reference: string): Promise<Observation | undefined> {
    return reads.latestObservation(this.#db, reference);
  }

  async hasSeen(reference: string, digest: string): Promise<boolean> {
    return reads.hasSeenDigest(this.#db, reference, digest);
  }

  async openConditions(reference: string): Promise<Set<string>> {
    return reads.openConditionsOf(this.#db, reference);
  }

  async knownTags(repository: string): Promise<Set<string>> {
    return reads.knownTagsOf(this.#db, repository);
  }

  async timeline(reference: string): Promise<Observation[]> {
    return reads.timelineOf(this.#db, reference);
  }

  async observationAt(reference: string, time: string): Promise<Observation | undefined> {
    return reads.observationAtTime(this.#db, reference, time);
  }

  async references(): Promise<string[]> {
    return reads.observedReferences(this.#db);
  }

  async referenceSummaries(): Promise<ReferenceSummary[]> {
    return reads.summariseReferences(this.#db);
  }

  async events(options: { limit?: number; reference?: string } = {}): Promise<StoredEvent[]> {
    return reads.recentEvents(this.#db, options);
  }

  async event(id: number): Promise<StoredEvent | undefined> {
    return reads.eventById(this.#db, id);
  }

  async workerChecks(): Promise<WorkerCheck[]> {
    return reads.workerChecksOf(this.#db);
  }

  async pendingDeliveries(options: { dueAt?: string; limit?: number } = {}): Promise<Delivery[]> {
    return this.#outbox.pending(options);
  }

  async pendingDeliveryCount(): Promise<number> {
    return this.#outbox.count();
  }

  async pendingDelivery(id: string): Promise<Delivery | undefined> {
    return this.#outbox.one(id);
  }

  async markDelivered(id: string, at: string): Promise<void> {
    this.#outbox.markDelivered(id, at);
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    this.#outbox.markAttemptFailed(id, error, nextAttemptAt);
  }

  // One process sends: every due delivery is this one's.
  async claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.#outbox.pending({ dueAt: claim.dueAt, ...(claim.limit === undefined ? {} : { limit: claim.limit }) });
  }

  async planCycle(cycle: string, jobs: { registry: string; reference: string }[]): Promise<boolean> {
    return this.#jobs.plan(cycle, jobs);
  }

  async claimJobs(claim: JobClaim): Promise<string[]> {
    return this.#jobs.claim(claim);
  }

  async jobsLeft(cycle: string, registry: string): Promise<number> {
    return this.#jobs.left(cycle, registry);
  }

  // One process: a claimed job is done at once, never retried, so never given up.
  async givenUpJobs(): Promise<string[]> {
    return [];
  }

  async finishJob(job: CycleJob): Promise<boolean> {
    return this.#jobs.finish(job);
  }

  async takeRequestSlot(registry: string, gapMs: number): Promise<number> {
    return this.#jobs.takeSlot(registry, gapMs);
  }

  // One process: its own rate-limit gate already pauses the registry for the cycle.
  async pauseRegistry(): Promise<void> {}

  async registryPaused(): Promise<number | undefined> {
    return undefined;
  }

  async status(): Promise<HistoryStatus> {
    return this.#db.run("read the status", () => ({
      backend: "sqlite" as const,
      location: this.#db.path,
      schema: { version: this.#db.db.pragma("user_version", { simple: true }) as number, latest: MIGRATIONS.length },
      counts: countSqlite(this.#db.db),
    }));
  }

  /** Every row, for `dg db copy`. */
  dump(): HistoryDump {
    return this.#db.run("read every row", () => dumpSqlite(this.#db.db));
  }

  async close(): Promise<void> {
    if (this.#db.db.open) this.#db.db.close();
  }
}
