import type { HistoryStore } from "./history-store.js";
import { redactUrl } from "./postgres-errors.js";
import { SqliteHistoryStore } from "./sqlite-history-store.js";

/** Where the history is kept: a SQLite file (the default) or a PostgreSQL database. */
export type HistoryLocation = { backend: "sqlite"; path: string } | { backend: "postgres"; url: string };

/**
 * Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
 *
 * @example
 * ```ts
 * isPostgresUrl("postgres://dg@db/dg"); // true
 * isPostgresUrl("./history.sqlite"); // false
 * ```
 */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * The location as messages show it: the path, or the URL without its password.
 *
 * @example
 * ```ts
 * describeLocation({ backend: "postgres", url: "postgres://dg:pw@db/dg" }); // "postgres://dg:***@db/dg"
 * ```
 */
export function describeLocation(location: HistoryLocation): string {
  return location.backend === "sqlite" ? location.path : redactUrl(location.url);
}

/**
 * Open (and migrate, unless `readonly`) the history at `location`. The
 * PostgreSQL store and its driver are loaded only when a PostgreSQL
 * location is given, so the SQLite default starts no slower.
 *
 * @example
 * ```ts
 * const history = await openHistoryStore({ backend: "postgres", url: process.env.DIGESTGUARD_DATABASE_URL });
 * ```
 */
export async function openHistoryStore(
  location: HistoryLocation,
  options: { readonly?: boolean } = {},
): Promise<HistoryStore> {
  const readonly = options.readonly === true ? { readonly: true } : {};
  if (location.backend === "sqlite") return SqliteHistoryStore.open(location.path, readonly);
  const { PostgresHistoryStore } = await import("./postgres-history-store.js");
  return PostgresHistoryStore.open(location.url, readonly);
}
