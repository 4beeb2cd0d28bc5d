import type { Observation, ReferenceSummary, StoredEvent } from "./history-store.js";
import { pgEvent, pgObservation } from "./postgres-rows.js";
import type { PostgresSession } from "./postgres-session.js";
import { summarize } from "./reference-summaries.js";

// The read queries of the PostgreSQL history: observations, conditions, tags and events.

/**
 * The latest observation of a reference, if any.
 *
 * @example
 * ```ts
 * const latest = await latestObservation(session, "docker.io/library/alpine:3.19");
 * ```
 */
export async function latestObservation(db: PostgresSession, reference: string): Promise<Observation | undefined> {
  const [row] = await db.rows(
    "read the latest observation",
    "SELECT * FROM observations WHERE reference = $1 ORDER BY id DESC LIMIT 1",
    [reference],
  );
  return row === undefined ? undefined : pgObservation(row);
}

/**
 * Whether the reference was ever seen at `digest`.
 *
 * @example
 * ```ts
 * if (await hasSeenDigest(session, reference, digest)) return;
 * ```
 */
export async function hasSeenDigest(db: PostgresSession, reference: string, digest: string): Promise<boolean> {
  const rows = await db.rows(
    "look up a digest",
    "SELECT 1 FROM observations WHERE reference = $1 AND digest = $2 LIMIT 1",
    [reference, digest],
  );
  return rows.length > 0;
}

/**
 * The conditions open on a reference.
 *
 * @example
 * ```ts
 * const open = await openConditionsOf(session, reference);
 * ```
 */
export async function openConditionsOf(db: PostgresSession, reference: string): Promise<Set<string>> {
  const rows = await db.rows("read open conditions", "SELECT condition FROM open_conditions WHERE reference = $1", [
    reference,
  ]);
  return new Set(rows.map((r) => String(r.condition)));
}

/**
 * The tags of a repository seen so far.
 *
 * @example
 * ```ts
 * const known = await knownTagsOf(session, "127.0.0.1:5000/app");
 * ```
 */
export async function knownTagsOf(db: PostgresSession, repository: string): Promise<Set<string>> {
  const rows = await db.rows("read known tags", "SELECT tag FROM known_tags WHERE repository = $1", [repository]);
  return new Set(rows.map((r) => String(r.tag)));
}

/**
 * Every observation of a reference, oldest first.
 *
 * @example
 * ```ts
 * const observations = await timelineOf(session, reference);
 * ```
 */
export async function timelineOf(db: PostgresSession, reference: string): Promise<Observation[]> {
  const rows = await db.rows("read the timeline", "SELECT * FROM observations WHERE reference = $1 ORDER BY id", [
    reference,
  ]);
  return rows.map(pgObservation);
}

/**
 * The observation of a reference that held at `time`.
 *
 * @example
 * ```ts
 * const then = await observationAtTime(session, reference, "2026-01-01T00:00:00.000Z");
 * ```
 */
export async function observationAtTime(
  db: PostgresSession,
  reference: string,
  time: string,
): Promise<Observation | undefined> {
  const [row] = await db.rows(
    "read the timeline",
    "SELECT * FROM observations WHERE reference = $1 AND first_seen <= $2 ORDER BY first_seen DESC, id DESC LIMIT 1",
    [reference, time],
  );
  return row === undefined ? undefined : pgObservation(row);
}

/**
 * Every observed reference, sorted.
 *
 * @example
 * ```ts
 * const all = await observedReferences(session);
 * ```
 */
export async function observedReferences(db: PostgresSession): Promise<string[]> {
  const rows = await db.rows("list references", "SELECT DISTINCT reference FROM observations ORDER BY reference");
  return rows.map((r) => String(r.reference));
}

/**
 * Each reference's latest observation and last event, summarised.
 *
 * @example
 * ```ts
 * const summaries = await summariseReferences(session);
 * ```
 */
export async function summariseReferences(db: PostgresSession): Promise<ReferenceSummary[]> {
  // DISTINCT ON walks observations_latest (reference, id DESC) and events_by_reference once each.
  const latest = await db.rows(
    "summarise references",
    "SELECT DISTINCT ON (reference) * FROM observations ORDER BY reference, id DESC",
  );
  const lastEvents = await db.rows(
    "summarise references",
    "SELECT DISTINCT ON (reference) * FROM events ORDER BY reference, id DESC",
  );
  return summarize(latest.map(pgObservation), lastEvents.map(pgEvent));
}

/**
 * The newest events (100 unless `limit`), of one reference or all.
 *
 * @example
 * ```ts
 * const recent = await recentEvents(session, { limit: 20 });
 * ```
 */
export async function recentEvents(
  db: PostgresSession,
  options: { limit?: number; reference?: string } = {},
): Promise<StoredEvent[]> {
  const rows = await db.rows(
    "read events",
    "SELECT * FROM events WHERE ($2::text IS NULL OR reference = $2) ORDER BY id DESC LIMIT $1",
    [options.limit ?? 100, options.reference ?? null],
  );
  return rows.map(pgEvent);
}

/**
 * One event by its id.
 *
 * @example
 * ```ts
 * const event = await eventById(session, 42);
 * ```
 */
export async function eventById(db: PostgresSession, id: number): Promise<StoredEvent | undefined> {
  const [row] = await db.rows("read an event", "SELECT * FROM events WHERE id = $1", [id]);
  return row === undefined ? undefined : pgEvent(row);
}
