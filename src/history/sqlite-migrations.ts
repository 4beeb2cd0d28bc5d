import type Database from "better-sqlite3";
import { DigestguardError } from "../errors/error.js";

/**
 * The schema, one step per version, applied in order inside a transaction.
 * `PRAGMA user_version` records the version reached. Never edit a released
 * step: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE observations (
     id INTEGER PRIMARY KEY,
     reference TEXT NOT NULL,
     digest TEXT,
     media_type TEXT,
     platforms TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     last_seen TEXT NOT NULL
   );
   CREATE INDEX observations_by_reference ON observations (reference, first_seen);
   CREATE INDEX observations_by_digest ON observations (reference, digest);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     kind TEXT NOT NULL,
     reference TEXT NOT NULL,
     at TEXT NOT NULL,
     from_digest TEXT,
     to_digest TEXT,
     detail TEXT
   );
   CREATE INDEX events_by_reference ON events (reference, id);
   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     event_id INTEGER NOT NULL REFERENCES events (id),
     notifier TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at TEXT NOT NULL,
     delivered_at TEXT,
     last_error TEXT
   );
   CREATE INDEX deliveries_pending ON deliveries (delivered_at, next_attempt_at);`,
  // Every tag a repository was seen to list, for new-tag events (registry/repository, tag).
  `CREATE TABLE known_tags (
     repository TEXT NOT NULL,
     tag TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     PRIMARY KEY (repository, tag)
   );`,
  // Conditions a reference is in (a vanished pin, a failing check), so their events are recorded once.
  `CREATE TABLE open_conditions (
     reference TEXT NOT NULL,
     condition TEXT NOT NULL,
     since TEXT NOT NULL,
     PRIMARY KEY (reference, condition)
   );`,
  // Which worker checked each reference last (one process here; many on PostgreSQL, see postgres-migrations.ts).
  `CREATE TABLE worker_checks (
     reference TEXT PRIMARY KEY,
     worker TEXT NOT NULL,
     checked_at TEXT NOT NULL
   );`,
];

/**
 * Bring a database up to the newest schema. A database from a newer
 * digestguard is refused, never downgraded or reset.
 *
 * @example
 * ```ts
 * migrate(new Database("history.sqlite"), "history.sqlite");
 * ```
 */
export function migrate(db: Database.Database, path: string, options: { readonly?: boolean } = {}): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new DigestguardError(
      "HISTORY_TOO_NEW",
      `Cannot open history ${path}: its schema is version ${current}, newer than this digestguard knows (${MIGRATIONS.length}); upgrade digestguard or use another --db.`,
      { details: { version: current, known: MIGRATIONS.length } },
    );
  }
  const step = db.transaction((from: number) => {
    for (let version = from; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  // A reader leaves an older file as it is; the next watch migrates it.
  if (current < MIGRATIONS.length && options.readonly !== true) step.immediate(current);
}
