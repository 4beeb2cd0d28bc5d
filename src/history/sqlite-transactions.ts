import type { CheckRecord, StoredEvent, TagListingRecord, WatchEvent } from "./history-store.js";
import type { SqliteSession } from "./sqlite-session.js";
import { insertEvent, observe, setConditions } from "./sqlite-writes.js";

// The SQLite history's multi-row writes, each one IMMEDIATE transaction (the statements are in sqlite-writes.ts).

/**
 * Records a check — sighting, conditions, the worker, events and their outbox rows — in one transaction.
 *
 * @example
 * ```ts
 * const stored = recordCheckIn(session, { reference, at, sighting, events: [], notifyTo: () => [] });
 * ```
 */
export function recordCheckIn(db: SqliteSession, record: CheckRecord): StoredEvent[] {
  return db.run("record a check", () =>
    db.db
      .transaction(() => {
        if (record.sighting !== undefined) observe(db.prepare, record.reference, record.sighting, record.at);
        if (record.conditions !== undefined) setConditions(db.prepare, record.reference, record.conditions, record.at);
        if (record.worker !== undefined)
          db.prepare(
            "INSERT INTO worker_checks (reference, worker, checked_at) VALUES (?, ?, ?) ON CONFLICT (reference) DO UPDATE SET worker = excluded.worker, checked_at = excluded.checked_at",
          ).run(record.reference, record.worker, record.at);
        return record.events.map((event) => insertEvent(db.prepare, event, record.notifyTo(event), record.at));
      })
      .immediate(),
  );
}

/**
 * Records a tag listing — the tags seen and the events it raised — in one transaction.
 *
 * @example
 * ```ts
 * const stored = recordTagsIn(session, { repository, tags, at, events, notifyTo });
 * ```
 */
export function recordTagsIn(db: SqliteSession, record: TagListingRecord): StoredEvent[] {
  return db.run("record a tag listing", () =>
    db.db
      .transaction(() => {
        const add = db.prepare("INSERT OR IGNORE INTO known_tags (repository, tag, first_seen) VALUES (?, ?, ?)");
        for (const tag of record.tags) add.run(record.repository, tag, record.at);
        return record.events.map((event) => insertEvent(db.prepare, event, record.notifyTo(event), record.at));
      })
      .immediate(),
  );
}

/**
 * Adds one event (and its outbox rows for `notifiers`) outside a check.
 *
 * @example
 * ```ts
 * const stored = addEventIn(session, event, ["ops"]);
 * ```
 */
export function addEventIn(db: SqliteSession, event: WatchEvent, notifiers: string[]): StoredEvent {
  return db.run("add an event", () =>
    db.db.transaction(() => insertEvent(db.prepare, event, notifiers, event.at)).immediate(),
  );
}
