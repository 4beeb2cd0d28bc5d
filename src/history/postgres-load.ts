import type pg from "pg";
import { DigestguardError } from "../errors/error.js";
import type { HistoryCounts, HistoryDump } from "./history-dump.js";
import type { Queryable } from "./postgres-session.js";

const CHUNK = 5000;

/** Row counts of a PostgreSQL history. */
export async function countPostgres(db: Queryable): Promise<HistoryCounts> {
  const { rows } = await db.query(`SELECT
     (SELECT count(*) FROM observations) AS observations,
     (SELECT count(*) FROM events) AS events,
     (SELECT count(*) FROM deliveries) AS deliveries,
     (SELECT count(*) FROM deliveries WHERE delivered_at IS NULL) AS pending,
     (SELECT count(*) FROM known_tags) AS known_tags`);
  const row = rows[0] as Record<string, string>;
  return {
    observations: Number(row.observations),
    events: Number(row.events),
    deliveries: Number(row.deliveries),
    pendingDeliveries: Number(row.pending),
    knownTags: Number(row.known_tags),
  };
}

/**
 * Load a dump into an empty PostgreSQL history, inside the caller's
 * transaction, keeping ids (delivery ids stay what receivers deduplicate on,
 * event ids what deliveries point at), then move the id sequences past them.
 * A history that already holds observations, events or known tags is
 * refused; the tables stay locked against other writers until the caller
 * commits.
 *
 * @example
 * ```ts
 * await client.query("BEGIN"); await loadPostgres(client, dump, where); await client.query("COMMIT");
 * ```
 */
export async function loadPostgres(client: pg.PoolClient, dump: HistoryDump, where: string): Promise<void> {
  // Writers wait (readers do not) until the copy commits: a second copy, or a worker started early,
  // then finds the copied rows instead of merging into a target counted empty a moment before.
  await client.query("LOCK TABLE observations, events, deliveries, known_tags, open_conditions IN EXCLUSIVE MODE");
  const counts = await countPostgres(client);
  if (counts.observations + counts.events + counts.knownTags > 0) {
    throw new DigestguardError(
      "USAGE",
      `Cannot copy into history ${where}: it already holds ${counts.observations} observations, ${counts.events} events and ${counts.knownTags} known tags; copy into an empty database.`,
    );
  }
  const columns = {
    observations: ["id", "reference", "digest", "media_type", "platforms", "first_seen", "last_seen"],
    events: ["id", "kind", "reference", "at", "from_digest", "to_digest", "detail"],
    deliveries: ["id", "event_id", "notifier", "attempts", "next_attempt_at", "delivered_at", "last_error"],
    known_tags: ["repository", "tag", "first_seen"],
    open_conditions: ["reference", "condition", "since"],
  };
  const tables: [keyof typeof columns, Record<string, unknown>[]][] = [
    ["observations", dump.observations as unknown as Record<string, unknown>[]],
    ["events", dump.events as unknown as Record<string, unknown>[]],
    ["deliveries", dump.deliveries as unknown as Record<string, unknown>[]],
    ["known_tags", dump.knownTags],
    ["open_conditions", dump.openConditions],
  ];
  for (const [table, rows] of tables) {
    const names = columns[table];
    const typed = names.map((n, k) => `$${k + 1}::${columnType(table, n)}[]`);
    const overriding = table === "observations" || table === "events" ? "OVERRIDING SYSTEM VALUE" : "";
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      await client.query(
        `INSERT INTO ${table} (${names.join(", ")}) ${overriding} SELECT * FROM unnest(${typed.join(", ")})`,
        names.map((n) => chunk.map((row) => row[n] ?? null)),
      );
    }
  }
  for (const table of ["observations", "events"])
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
    );
}

// deliveries.id is text (a UUID); the other ids are identities.
function columnType(table: string, column: string): string {
  if (column === "id") return table === "deliveries" ? "text" : "bigint";
  if (column === "event_id") return "bigint";
  if (column === "attempts") return "integer";
  if (/(_seen|_at|^at|^since)$/.test(column)) return "timestamptz";
  return "text";
}
