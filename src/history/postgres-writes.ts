import { randomUUID } from "node:crypto";
import type pg from "pg";
import { eventColumns } from "./event-columns.js";
import type { CheckRecord, Sighting, StoredEvent, WatchEvent } from "./history-store.js";
import type { Queryable } from "./postgres-session.js";

// The writes of a check or a listing, each run inside the caller's transaction.

/**
 * Extend the reference's newest observation when the sighting is the same, else start one.
 *
 * @example
 * ```ts
 * await observe(client, "r/app:1", { digest, platforms: [] }, at);
 * ```
 */
export async function observe(client: pg.PoolClient, reference: string, sighting: Sighting, at: string): Promise<void> {
  const platforms = JSON.stringify(sighting.platforms);
  const { rows } = await client.query(
    "SELECT id, digest, platforms FROM observations WHERE reference = $1 ORDER BY id DESC LIMIT 1",
    [reference],
  );
  const last = rows[0] as { id: string; digest: string | null; platforms: string } | undefined;
  if (last !== undefined && last.digest === (sighting.digest ?? null) && last.platforms === platforms) {
    await client.query("UPDATE observations SET last_seen = $1 WHERE id = $2", [at, last.id]);
    return;
  }
  await client.query(
    "INSERT INTO observations (reference, digest, media_type, platforms, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5)",
    [reference, sighting.digest ?? null, sighting.mediaType ?? null, platforms, at],
  );
}

/** Replace the reference's open conditions with `conditions`. */
export async function setConditions(
  client: pg.PoolClient,
  reference: string,
  conditions: string[],
  at: string,
): Promise<void> {
  await client.query("DELETE FROM open_conditions WHERE reference = $1 AND NOT (condition = ANY($2::text[]))", [
    reference,
    conditions,
  ]);
  await client.query(
    "INSERT INTO open_conditions (reference, condition, since) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
    [reference, conditions, at],
  );
}

/** Insert events and one delivery per notifier each; the stored events, with their ids. */
export async function insertEvents(
  client: pg.PoolClient,
  events: WatchEvent[],
  notifyTo: (event: WatchEvent) => string[],
  now: string,
): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const event of events) {
    const { rows } = await client.query(
      "INSERT INTO events (kind, reference, at, from_digest, to_digest, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      eventColumns(event),
    );
    const id = Number(rows[0]?.id);
    const notifiers = notifyTo(event);
    await client.query(
      "INSERT INTO deliveries (id, event_id, notifier, next_attempt_at) SELECT unnest($1::text[]), $2, unnest($3::text[]), $4",
      [notifiers.map(() => randomUUID()), id, notifiers, now],
    );
    stored.push({ ...event, id });
  }
  return stored;
}

/**
 * The steady state — the tag still points where it did, no event, no
 * condition — in one statement (one round trip instead of a transaction of
 * six): extend the newest observation, mark the job done and note the
 * worker, all only when the observation matches and (with a job) the job was
 * still open. False when it did nothing: the caller then records the check
 * in a full transaction, which also finds a job another worker finished.
 *
 * @example
 * ```ts
 * if (!(await recordUnchanged(pool, record))) await recordInTransaction(record);
 * ```
 */
export async function recordUnchanged(db: Queryable, record: CheckRecord): Promise<boolean> {
  if (record.sighting === undefined || record.events.length > 0 || record.conditions !== undefined) return false;
  const { rows } = await db.query(
    `WITH last AS (
       SELECT id FROM (SELECT id, digest, platforms FROM observations WHERE reference = $1 ORDER BY id DESC LIMIT 1) newest
       WHERE digest IS NOT DISTINCT FROM $2 AND platforms = $3),
     job AS (
       UPDATE cycle_jobs SET done_at = now(), worker = coalesce($5, worker)
       WHERE $6::text IS NOT NULL AND cycle = $6 AND reference = $1 AND done_at IS NULL AND EXISTS (SELECT 1 FROM last)
       RETURNING 1),
     go AS (SELECT 1 WHERE EXISTS (SELECT 1 FROM last) AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM job))),
     extended AS (
       UPDATE observations SET last_seen = $4 WHERE id = (SELECT id FROM last) AND EXISTS (SELECT 1 FROM go) RETURNING 1),
     noted AS (
       INSERT INTO worker_checks (reference, worker, checked_at) SELECT $1, $5, $4
       WHERE $5::text IS NOT NULL AND EXISTS (SELECT 1 FROM go)
       ON CONFLICT (reference) DO UPDATE SET worker = excluded.worker, checked_at = excluded.checked_at RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM go) AS done`,
    [
      record.reference,
      record.sighting.digest ?? null,
      JSON.stringify(record.sighting.platforms),
      record.at,
      record.worker ?? null,
      record.job?.cycle ?? null,
    ],
  );
  return rows[0]?.done === true;
}
