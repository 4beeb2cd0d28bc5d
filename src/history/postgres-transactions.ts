import type { CheckRecord, StoredEvent, TagListingRecord, WatchEvent } from "./history-store.js";
import type { PostgresSession } from "./postgres-session.js";
import { markJobDone, noteWorkerCheck } from "./postgres-work.js";
import { insertEvents, observe, recordUnchanged, setConditions } from "./postgres-writes.js";

// The PostgreSQL history's multi-row writes, each one transaction (the statements are in postgres-writes.ts).

/**
 * Records a check — sighting, conditions, the worker and its job, events and
 * their outbox rows — in one transaction; an unchanged check is one UPDATE.
 * Nothing is written when another worker finished the same job first.
 *
 * @example
 * ```ts
 * const stored = await recordCheckIn(session, { reference, at, sighting, events: [], notifyTo: () => [] });
 * ```
 */
export async function recordCheckIn(db: PostgresSession, record: CheckRecord): Promise<StoredEvent[]> {
  if (await db.guard("record a check", () => recordUnchanged(db.pool, record))) return [];
  const stored = await db.transaction("record a check", async (client) => {
    // One writer per reference at a time: the job's row lock, or outside jobs an advisory lock,
    // so extend-or-insert never interleaves.
    if (record.job !== undefined) {
      if (!(await markJobDone(client, record.job, record.worker))) return undefined;
    } else await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [record.reference]);
    if (record.sighting !== undefined) await observe(client, record.reference, record.sighting, record.at);
    if (record.conditions !== undefined) await setConditions(client, record.reference, record.conditions, record.at);
    if (record.worker !== undefined) await noteWorkerCheck(client, record.reference, record.worker, record.at);
    return insertEvents(client, record.events, record.notifyTo, record.at);
  });
  return stored ?? [];
}

/**
 * Records a tag listing — the tags seen and the events it raised — in one transaction.
 *
 * @example
 * ```ts
 * const stored = await recordTagsIn(session, { repository, tags, at, events, notifyTo });
 * ```
 */
export async function recordTagsIn(db: PostgresSession, record: TagListingRecord): Promise<StoredEvent[]> {
  const stored = await db.transaction("record a tag listing", async (client) => {
    await client.query(
      "INSERT INTO known_tags (repository, tag, first_seen) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
      [record.repository, record.tags, record.at],
    );
    return insertEvents(client, record.events, record.notifyTo, record.at);
  });
  return stored ?? [];
}

/**
 * Adds one event (and its outbox rows for `notifiers`) outside a check.
 *
 * @example
 * ```ts
 * const stored = await addEventIn(session, event, ["ops"]);
 * ```
 */
export async function addEventIn(db: PostgresSession, event: WatchEvent, notifiers: string[]): Promise<StoredEvent> {
  const [stored] =
    (await db.transaction("add an event", (client) => insertEvents(client, [event], () => notifiers, event.at))) ?? [];
  return stored as StoredEvent;
}
