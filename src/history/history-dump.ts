import type Database from "better-sqlite3";
import type { DeliveryRow, EventRow, ObservationRow } from "./sqlite-rows.js";

/** Every row of a history, as `dg db copy` moves it (times as ISO text, ids kept). */
export interface HistoryDump {
  observations: ObservationRow[];
  events: EventRow[];
  deliveries: DeliveryRow[];
  knownTags: { repository: string; tag: string; first_seen: string }[];
  openConditions: { reference: string; condition: string; since: string }[];
}

/** How many rows of each kind a history holds. */
export interface HistoryCounts {
  observations: number;
  events: number;
  deliveries: number;
  pendingDeliveries: number;
  knownTags: number;
}

/**
 * Read every row of a SQLite history (in one read transaction, so the dump
 * is consistent while a watch keeps writing).
 *
 * @example
 * ```ts
 * const dump = dumpSqlite(new Database("history.sqlite", { readonly: true }));
 * ```
 */
export function dumpSqlite(db: Database.Database): HistoryDump {
  return db.transaction(() => ({
    observations: db.prepare("SELECT * FROM observations ORDER BY id").all() as ObservationRow[],
    events: db.prepare("SELECT * FROM events ORDER BY id").all() as EventRow[],
    deliveries: db.prepare("SELECT * FROM deliveries ORDER BY rowid").all() as DeliveryRow[],
    knownTags: db.prepare("SELECT * FROM known_tags").all() as HistoryDump["knownTags"],
    openConditions: db.prepare("SELECT * FROM open_conditions").all() as HistoryDump["openConditions"],
  }))();
}

/** Row counts of a SQLite history. */
export function countSqlite(db: Database.Database): HistoryCounts {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    observations: count("SELECT count(*) AS n FROM observations"),
    events: count("SELECT count(*) AS n FROM events"),
    deliveries: count("SELECT count(*) AS n FROM deliveries"),
    pendingDeliveries: count("SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL"),
    knownTags: count("SELECT count(*) AS n FROM known_tags"),
  };
}
