import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { Sighting, StoredEvent, WatchEvent } from "./history-store.js";
import type { ObservationRow } from "./sqlite-rows.js";
import { eventColumns } from "./event-columns.js";

/** A compiled-once statement for `sql`. */
export type Prepare = (sql: string) => Database.Statement;

// The writes of a check or a listing, each run inside the caller's transaction.

/**
 * Extend the reference's newest observation when the sighting is the same, else start one.
 *
 * @example
 * ```ts
 * observe((sql) => db.prepare(sql), "r/app:1", { digest, platforms: [] }, at);
 * ```
 */
export function observe(prepare: Prepare, reference: string, sighting: Sighting, at: string): void {
  const last = prepare(
    "SELECT id, digest, platforms FROM observations WHERE reference = ? ORDER BY id DESC LIMIT 1",
  ).get(reference) as Pick<ObservationRow, "id" | "digest" | "platforms"> | undefined;
  const platforms = JSON.stringify(sighting.platforms);
  if (last !== undefined && last.digest === (sighting.digest ?? null) && last.platforms === platforms) {
    prepare("UPDATE observations SET last_seen = ? WHERE id = ?").run(at, last.id);
    return;
  }
  prepare(
    "INSERT INTO observations (reference, digest, media_type, platforms, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(reference, sighting.digest ?? null, sighting.mediaType ?? null, platforms, at, at);
}

/** Replace the reference's open conditions with `conditions`. */
export function setConditions(prepare: Prepare, reference: string, conditions: string[], at: string): void {
  const keep = JSON.stringify(conditions);
  prepare("DELETE FROM open_conditions WHERE reference = ? AND condition NOT IN (SELECT value FROM json_each(?))").run(
    reference,
    keep,
  );
  const add = prepare("INSERT OR IGNORE INTO open_conditions (reference, condition, since) VALUES (?, ?, ?)");
  for (const condition of conditions) add.run(reference, condition, at);
}

/** Insert an event and one delivery per notifier. */
export function insertEvent(prepare: Prepare, event: WatchEvent, notifiers: string[], now: string): StoredEvent {
  const { lastInsertRowid } = prepare(
    "INSERT INTO events (kind, reference, at, from_digest, to_digest, detail) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(...eventColumns(event));
  const id = Number(lastInsertRowid);
  const add = prepare("INSERT INTO deliveries (id, event_id, notifier, next_attempt_at) VALUES (?, ?, ?, ?)");
  for (const notifier of notifiers) add.run(randomUUID(), id, notifier, now);
  return { ...event, id };
}
