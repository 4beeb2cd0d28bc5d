import type pg from "pg";
import { DigestguardError } from "../errors/error.js";

/**
 * The PostgreSQL schema: the same tables and versions as the SQLite one
 * (sqlite-migrations.ts), in PostgreSQL's dialect. Times are `timestamptz`
 * (the store speaks ISO strings). Never edit a released step: add the next
 * one, to both backends.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE observations (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     reference TEXT NOT NULL,
     digest TEXT,
     media_type TEXT,
     platforms TEXT NOT NULL,
     first_seen TIMESTAMPTZ NOT NULL,
     last_seen TIMESTAMPTZ NOT NULL
   );
   -- history --at: the newest observation of a reference that started at or before a time, one index probe.
   CREATE INDEX observations_by_reference ON observations (reference, first_seen DESC, id DESC);
   CREATE INDEX observations_by_digest ON observations (reference, digest);
   -- A check's first read: the newest observation of a reference, by id.
   CREATE INDEX observations_latest ON observations (reference, id DESC);
   CREATE TABLE events (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     kind TEXT NOT NULL,
     reference TEXT NOT NULL,
     at TIMESTAMPTZ NOT NULL,
     from_digest TEXT,
     to_digest TEXT,
     detail TEXT
   );
   CREATE INDEX events_by_reference ON events (reference, id);
   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     event_id BIGINT NOT NULL REFERENCES events (id),
     notifier TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at TIMESTAMPTZ NOT NULL,
     delivered_at TIMESTAMPTZ,
     last_error TEXT
   );
   CREATE INDEX deliveries_pending ON deliveries (next_attempt_at) WHERE delivered_at IS NULL;`,
  `CREATE TABLE known_tags (
     repository TEXT NOT NULL,
     tag TEXT NOT NULL,
     first_seen TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (repository, tag)
   );`,
  `CREATE TABLE open_conditions (
     reference TEXT NOT NULL,
     condition TEXT NOT NULL,
     since TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (reference, condition)
   );`,
  // Several workers on one database: which worker checked each reference last, the
  // jobs of each cycle (one per reference, leased), delivery leases, and one
  // request-pace row per registry shared by every worker.
  `CREATE TABLE worker_checks (
     reference TEXT PRIMARY KEY,
     worker TEXT NOT NULL,
     checked_at TIMESTAMPTZ NOT NULL
   );
   CREATE TABLE cycle_jobs (
     cycle TEXT NOT NULL,
     registry TEXT NOT NULL,
     reference TEXT NOT NULL,
     worker TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     lease_until TIMESTAMPTZ,
     done_at TIMESTAMPTZ,
     planned_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     PRIMARY KEY (cycle, reference)
   );
   CREATE INDEX cycle_jobs_by_age ON cycle_jobs (planned_at);
   CREATE INDEX cycle_jobs_open ON cycle_jobs (cycle, registry) WHERE done_at IS NULL;
   ALTER TABLE deliveries ADD COLUMN leased_by TEXT, ADD COLUMN lease_until TIMESTAMPTZ;
   CREATE TABLE registry_pace (
     registry TEXT PRIMARY KEY,
     next_slot TIMESTAMPTZ NOT NULL DEFAULT now(),
     -- The cycle in which a worker saw the registry's rate limit at or below the floor, and what was left.
     paused_cycle TEXT,
     paused_remaining INTEGER
   );`,
];

// Any constant: every digestguard migrating this database takes the same lock.
const MIGRATION_LOCK = 0x64670001;

/**
 * Bring the database up to the newest schema, in one transaction under a
 * transaction-level advisory lock, so workers starting together migrate it
 * once (the others wait, then find it done). A database from a newer
 * digestguard is refused, never downgraded.
 *
 * @example
 * ```ts
 * await migratePostgres(await pool.connect(), "postgres://db/dg");
 * ```
 */
export async function migratePostgres(
  client: pg.ClientBase,
  where: string,
  options: { readonly?: boolean } = {},
): Promise<number> {
  await client.query("BEGIN");
  try {
    if (options.readonly !== true) {
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // A step that rebuilds a big table may take longer than any one query of a check should.
      await client.query("SET LOCAL statement_timeout = 0");
    }
    const current = await schemaVersion(client);
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new DigestguardError(
        "HISTORY_TOO_NEW",
        `Cannot open history ${where}: its schema is version ${current}, newer than this digestguard knows (${POSTGRES_MIGRATIONS.length}); upgrade digestguard.`,
        { details: { version: current, known: POSTGRES_MIGRATIONS.length } },
      );
    }
    if (options.readonly !== true) {
      await client.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
        await client.query(POSTGRES_MIGRATIONS[version] as string);
        await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [version + 1]);
      }
    }
    await client.query("COMMIT");
    return options.readonly === true ? current : Math.max(current, POSTGRES_MIGRATIONS.length);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** The version reached: the highest row of `schema_migrations`, 0 before the first migration. */
export async function schemaVersion(client: Pick<pg.ClientBase, "query">): Promise<number> {
  const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (exists.rows[0]?.present !== true) return 0;
  const { rows } = await client.query("SELECT coalesce(max(version), 0) AS version FROM schema_migrations");
  return Number(rows[0]?.version ?? 0);
}
