import type { Observation, ReferenceSummary, StoredEvent, WorkerCheck } from "./history-store.js";
import { summarize } from "./reference-summaries.js";
import { toEvent, toObservation, type EventRow, type ObservationRow } from "./sqlite-rows.js";
import type { SqliteSession } from "./sqlite-session.js";

// The read queries of the SQLite history: observations, conditions, tags, events and worker checks.

/**
 * The latest observation of a reference, if any.
 *
 * @example
 * ```ts
 * const latest = latestObservation(session, "docker.io/library/alpine:3.19");
 * ```
 */
export function latestObservation(db: SqliteSession, reference: string): Observation | undefined {
  return db.run("read the latest observation", () => {
    const row = db.prepare("SELECT * FROM observations WHERE reference = ? ORDER BY id DESC LIMIT 1").get(reference) as
      | ObservationRow
      | undefined;
    return row === undefined ? undefined : toObservation(row);
  });
}

/**
 * Whether the reference was ever seen at `digest`.
 *
 * @example
 * ```ts
 * if (hasSeenDigest(session, reference, digest)) return;
 * ```
 */
export function hasSeenDigest(db: SqliteSession, reference: string, digest: string): boolean {
  return db.run(
    "look up a digest",
    () =>
      db.prepare("SELECT 1 FROM observations WHERE reference = ? AND digest = ? LIMIT 1").get(reference, digest) !==
      undefined,
  );
}

/**
 * The conditions open on a reference.
 *
 * @example
 * ```ts
 * const open = openConditionsOf(session, reference);
 * ```
 */
export function openConditionsOf(db: SqliteSession, reference: string): Set<string> {
  return db.run("read open conditions", () => {
    const rows = db.prepare("SELECT condition FROM open_conditions WHERE reference = ?").all(reference) as {
      condition: string;
    }[];
    return new Set(rows.map((r) => r.condition));
  });
}

/**
 * The tags of a repository seen so far.
 *
 * @example
 * ```ts
 * const known = knownTagsOf(session, "127.0.0.1:5000/app");
 * ```
 */
export function knownTagsOf(db: SqliteSession, repository: string): Set<string> {
  return db.run("read known tags", () => {
    const rows = db.prepare("SELECT tag FROM known_tags WHERE repository = ?").all(repository) as { tag: string }[];
    return new Set(rows.map((r) => r.tag));
  });
}

/**
 * Every observation of a reference, oldest first.
 *
 * @example
 * ```ts
 * const observations = timelineOf(session, reference);
 * ```
 */
export function timelineOf(db: SqliteSession, reference: string): Observation[] {
  return db.run("read the timeline", () =>
    (db.prepare("SELECT * FROM observations WHERE reference = ? ORDER BY id").all(reference) as ObservationRow[]).map(
      toObservation,
    ),
  );
}

/**
 * The observation of a reference that held at `time`.
 *
 * @example
 * ```ts
 * const then = observationAtTime(session, reference, "2026-01-01T00:00:00.000Z");
 * ```
 */
export function observationAtTime(db: SqliteSession, reference: string, time: string): Observation | undefined {
  return db.run("read the timeline", () => {
    const row = db
      .prepare(
        "SELECT * FROM observations WHERE reference = ? AND first_seen <= ? ORDER BY first_seen DESC, id DESC LIMIT 1",
      )
      .get(reference, time) as ObservationRow | undefined;
    return row === undefined ? undefined : toObservation(row);
  });
}

/**
 * Every observed reference, sorted.
 *
 * @example
 * ```ts
 * const all = observedReferences(session);
 * ```
 */
export function observedReferences(db: SqliteSession): string[] {
  return db.run("list references", () =>
    (db.prepare("SELECT DISTINCT reference FROM observations ORDER BY reference").all() as { reference: string }[]).map(
      (r) => r.reference,
    ),
  );
}

/**
 * Each reference's latest observation and last event, summarised.
 *
 * @example
 * ```ts
 * const summaries = summariseReferences(session);
 * ```
 */
export function summariseReferences(db: SqliteSession): ReferenceSummary[] {
  return db.run("summarise references", () => {
    // Each MAX(id) … GROUP BY reference walks its (reference, …) index once.
    const observations = db
      .prepare(
        "SELECT o.* FROM observations o JOIN (SELECT MAX(id) AS id FROM observations GROUP BY reference) m ON o.id = m.id",
      )
      .all() as ObservationRow[];
    const events = db
      .prepare("SELECT e.* FROM events e JOIN (SELECT MAX(id) AS id FROM events GROUP BY reference) m ON e.id = m.id")
      .all() as EventRow[];
    return summarize(observations.map(toObservation), events.map(toEvent));
  });
}

/**
 * The newest events (100 unless `limit`), of one reference or all.
 *
 * @example
 * ```ts
 * const recent = recentEvents(session, { limit: 20 });
 * ```
 */
export function recentEvents(db: SqliteSession, options: { limit?: number; reference?: string } = {}): StoredEvent[] {
  return db.run("read events", () => {
    const where = options.reference === undefined ? "" : "WHERE reference = @reference";
    const rows = db.prepare(`SELECT * FROM events ${where} ORDER BY id DESC LIMIT @limit`).all({
      limit: options.limit ?? 100,
      ...(options.reference === undefined ? {} : { reference: options.reference }),
    }) as EventRow[];
    return rows.map(toEvent);
  });
}

/**
 * One event by its id.
 *
 * @example
 * ```ts
 * const event = eventById(session, 42);
 * ```
 */
export function eventById(db: SqliteSession, id: number): StoredEvent | undefined {
  return db.run("read an event", () => {
    const row = db.prepare("SELECT * FROM events WHERE id = ?").get(id) as EventRow | undefined;
    return row === undefined ? undefined : toEvent(row);
  });
}

/**
 * Which worker last checked each reference, and when.
 *
 * @example
 * ```ts
 * const checks = workerChecksOf(session);
 * ```
 */
export function workerChecksOf(db: SqliteSession): WorkerCheck[] {
  return db.run("read worker checks", () =>
    (
      db
        .prepare("SELECT reference, worker, checked_at AS at FROM worker_checks ORDER BY reference")
        .all() as WorkerCheck[]
    ).map((row) => ({ ...row })),
  );
}
