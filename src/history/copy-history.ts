import { DigestguardError } from "../errors/error.js";
import { isPostgresUrl } from "./open-history-store.js";
import { redactUrl } from "./postgres-errors.js";
import { SqliteHistoryStore } from "./sqlite-history-store.js";

/** What `dg db copy` moved. */
export interface CopyReport {
  schemaVersion: 1;
  from: string;
  /** The target URL without its password. */
  to: string;
  copied: { observations: number; events: number; deliveries: number; knownTags: number; openConditions: number };
}

/**
 * Copy a SQLite history (`sqlite:PATH`, or a plain path) into an empty
 * PostgreSQL one: observations, events, deliveries (same ids, so receivers
 * still deduplicate), known tags and open conditions, in one transaction on
 * the target. A target that already holds history is refused, so running it
 * twice copies nothing twice.
 *
 * @example
 * ```ts
 * await copyHistory("sqlite:/var/lib/dg/history.sqlite", "postgres://dg@db/dg");
 * ```
 */
export async function copyHistory(from: string, to: string): Promise<CopyReport> {
  if (!isPostgresUrl(to)) {
    throw new DigestguardError("USAGE", `Cannot copy to ${redactUrl(to)}: expected a postgres:// URL.`);
  }
  if (isPostgresUrl(from)) {
    // Read as a path it would name a SQLite file after the password; PostgreSQL to PostgreSQL is pg_dump's job.
    throw new DigestguardError(
      "USAGE",
      `Cannot copy from ${redactUrl(from)}: --from must be a SQLite history (sqlite:PATH); to copy between PostgreSQL databases use pg_dump.`,
    );
  }
  const path = from.startsWith("sqlite:") ? from.slice("sqlite:".length) : from;
  const source = SqliteHistoryStore.open(path, { readonly: true });
  try {
    const dump = source.dump();
    const { PostgresHistoryStore } = await import("./postgres-history-store.js");
    const target = await PostgresHistoryStore.open(to);
    try {
      await target.load(dump);
      return {
        schemaVersion: 1,
        from: path,
        to: target.where,
        copied: {
          observations: dump.observations.length,
          events: dump.events.length,
          deliveries: dump.deliveries.length,
          knownTags: dump.knownTags.length,
          openConditions: dump.openConditions.length,
        },
      };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
