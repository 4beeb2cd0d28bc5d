import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { summarize } from "./reference-summaries.js";
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
import { insertEvent, observe, setConditions } from "./sqlite-writes.js";
import {
  toDelivery,
  toEvent,
  toObservation,
  type DeliveryRow,
  type EventRow,
  type ObservationRow,
} from "./sqlite-rows.js";

/**
 * The embedded history: one SQLite file in WAL mode, so a reader (`dg
 * history`) never blocks the watcher and a killed process loses no committed
 * check or delivery.
 *
 * @example
 * ```ts
 * const history = SqliteHistoryStore.open("/var/lib/dg/history.sqlite");
 * const latest = await history.latest("docker.io/library/alpine:3.19");
 * await history.close();
 * ```
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #db: Database.Database;
  readonly #path: string;
  // A cycle runs the same few statements thousands of times: each is compiled once.
  readonly #statements = new Map<string, Database.Statement>();
  // One process writes a SQLite history: its cycle jobs need no table.
  readonly #jobs = new InProcessJobs();

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
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

  async latest(reference: string): Promise<Observation | undefined> {
    return this.#run("read the latest observation", () => {
      const row = this.#prepare("SELECT * FROM observations WHERE reference = ? ORDER BY id DESC LIMIT 1").get(
        reference,
      ) as ObservationRow | undefined;
      return row === undefined ? undefined : toObservation(row);
    });
  }

  async hasSeen(reference: string, digest: string): Promise<boolean> {
    return this.#run(
      "look up a digest",
      () =>
        this.#prepare("SELECT 1 FROM observations WHERE reference = ? AND digest = ? LIMIT 1").get(
          reference,
          digest,
        ) !== undefined,
    );
  }

  async recordCheck(record: CheckRecord): Promise<StoredEvent[]> {
    return this.#run("record a check", () =>
      this.#db
        .transaction(() => {
          if (record.sighting !== undefined) observe(this.#prepare, record.reference, record.sighting, record.at);
          if (record.conditions !== undefined)
            setConditions(this.#prepare, record.reference, record.conditions, record.at);
          if (record.worker !== undefined)
            this.#prepare(
              "INSERT INTO worker_checks (reference, worker, checked_at) VALUES (?, ?, ?) ON CONFLICT (reference) DO UPDATE SET worker = excluded.worker, checked_at = excluded.checked_at",
            ).run(record.reference, record.worker, record.at);
          return record.events.map((event) => insertEvent(this.#prepare, event, record.notifyTo(event), record.at));
        })
        .immediate(),
    );
  }

  async openConditions(reference: string): Promise<Set<string>> {
    return this.#run("read open conditions", () => {
      const rows = this.#prepare("SELECT condition FROM open_conditions WHERE reference = ?").all(reference) as {
        condition: string;
      }[];
      return new Set(rows.map((r) => r.condition));
    });
  }

  async knownTags(repository: string): Promise<Set<string>> {
    return this.#run("read known tags", () => {
      const rows = this.#prepare("SELECT tag FROM known_tags WHERE repository = ?").all(repository) as {
        tag: string;
      }[];
      return new Set(rows.map((r) => r.tag));
    });
  }

  async recordTags(record: TagListingRecord): Promise<StoredEvent[]> {
    return this.#run("record a tag listing", () =>
      this.#db
        .transaction(() => {
          const add = this.#prepare("INSERT OR IGNORE INTO known_tags (repository, tag, first_seen) VALUES (?, ?, ?)");
          for (const tag of record.tags) add.run(record.repository, tag, record.at);
          return record.events.map((event) => insertEvent(this.#prepare, event, record.notifyTo(event), record.at));
        })
        .immediate(),
    );
  }

  async timeline(reference: string): Promise<Observation[]> {
    return this.#run("read the timeline", () =>
      (
        this.#prepare("SELECT * FROM observations WHERE reference = ? ORDER BY id").all(reference) as ObservationRow[]
      ).map(toObservation),
    );
  }

  async observationAt(reference: string, time: string): Promise<Observation | undefined> {
    return this.#run("read the timeline", () => {
      const row = this.#prepare(
        "SELECT * FROM observations WHERE reference = ? AND first_seen <= ? ORDER BY first_seen DESC, id DESC LIMIT 1",
      ).get(reference, time) as ObservationRow | undefined;
      return row === undefined ? undefined : toObservation(row);
    });
  }

  async references(): Promise<string[]> {
    return this.#run("list references", () =>
      (
        this.#prepare("SELECT DISTINCT reference FROM observations ORDER BY reference").all() as {
          reference: string;
        }[]
      ).map((r) => r.reference),
    );
  }

  async referenceSummaries(): Promise<ReferenceSummary[]> {
    return this.#run("summarise references", () => {
      // Each MAX(id) … GROUP BY reference walks its (reference, …) index once.
      const observations = this.#prepare(
        "SELECT o.* FROM observations o JOIN (SELECT MAX(id) AS id FROM observations GROUP BY reference) m ON o.id = m.id",
      ).all() as ObservationRow[];
      const events = this.#prepare(
        "SELECT e.* FROM events e JOIN (SELECT MAX(id) AS id FROM events GROUP BY reference) m ON e.id = m.id",
      ).all() as EventRow[];
      return summarize(observations.map(toObservation), events.map(toEvent));
    });
  }

  async events(options: { limit?: number; reference?: string } = {}): Promise<StoredEvent[]> {
    return this.#run("read events", () => {
      const where = options.reference === undefined ? "" : "WHERE reference = @reference";
      const rows = this.#prepare(`SELECT * FROM events ${where} ORDER BY id DESC LIMIT @limit`).all({
        limit: options.limit ?? 100,
        ...(options.reference === undefined ? {} : { reference: options.reference }),
      }) as EventRow[];
      return rows.map(toEvent);
    });
  }

  async addEvent(event: WatchEvent, notifiers: string[]): Promise<StoredEvent> {
    return this.#run("add an event", () =>
      this.#db.transaction(() => insertEvent(this.#prepare, event, notifiers, event.at)).immediate(),
    );
  }

  async event(id: number): Promise<StoredEvent | undefined> {
    return this.#run("read an event", () => {
      const row = this.#prepare("SELECT * FROM events WHERE id = ?").get(id) as EventRow | undefined;
      return row === undefined ? undefined : toEvent(row);
    });
  }

  async pendingDeliveries(options: { dueAt?: string; limit?: number } = {}): Promise<Delivery[]> {
    return this.#run("read the outbox", () => {
      const due = options.dueAt === undefined ? "" : "AND next_attempt_at <= @dueAt";
      // LIMIT -1 is SQLite's "no limit".
      const rows = this.#prepare(
        `SELECT * FROM deliveries WHERE delivered_at IS NULL ${due} ORDER BY next_attempt_at, rowid LIMIT @limit`,
      ).all({ limit: options.limit ?? -1, ...(options.dueAt === undefined ? {} : { dueAt: options.dueAt }) });
      return (rows as DeliveryRow[]).map(toDelivery);
    });
  }

  async pendingDeliveryCount(): Promise<number> {
    return this.#run("count the outbox", () => {
      const row = this.#prepare("SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL").get() as {
        n: number;
      };
      return row.n;
    });
  }

  async pendingDelivery(id: string): Promise<Delivery | undefined> {
    return this.#run("read a delivery", () => {
      const row = this.#prepare("SELECT * FROM deliveries WHERE id = ? AND delivered_at IS NULL").get(id) as
        | DeliveryRow
        | undefined;
      return row === undefined ? undefined : toDelivery(row);
    });
  }

  async markDelivered(id: string, at: string): Promise<void> {
    this.#run("mark a delivery done", () =>
      this.#prepare("UPDATE deliveries SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?").run(at, id),
    );
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    this.#run("record a failed delivery", () =>
      this.#prepare(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
      ).run(error.slice(0, 1000), nextAttemptAt, id),
    );
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

  // One process sends: every due delivery is this one's.
  async claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.pendingDeliveries({ dueAt: claim.dueAt, ...(claim.limit === undefined ? {} : { limit: claim.limit }) });
  }

  async takeRequestSlot(registry: string, gapMs: number): Promise<number> {
    return this.#jobs.takeSlot(registry, gapMs);
  }

  // One process: its own rate-limit gate already pauses the registry for the cycle.
  async pauseRegistry(): Promise<void> {}

  async registryPaused(): Promise<number | undefined> {
    return undefined;
  }

  async workerChecks(): Promise<WorkerCheck[]> {
    return this.#run("read worker checks", () =>
      (
        this.#prepare(
          "SELECT reference, worker, checked_at AS at FROM worker_checks ORDER BY reference",
        ).all() as WorkerCheck[]
      ).map((row) => ({ ...row })),
    );
  }

  async status(): Promise<HistoryStatus> {
    return this.#run("read the status", () => ({
      backend: "sqlite" as const,
      location: this.#path,
      schema: { version: this.#db.pragma("user_version", { simple: true }) as number, latest: MIGRATIONS.length },
      counts: countSqlite(this.#db),
    }));
  }

  /** Every row, for `dg db copy`. */
  dump(): HistoryDump {
    return this.#run("read every row", () => dumpSqlite(this.#db));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  readonly #prepare = (sql: string): Database.Statement => {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  };

  #run<T>(doing: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw historyError(error, doing, this.#path);
    }
  }
}
