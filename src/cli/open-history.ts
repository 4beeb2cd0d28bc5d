import type { HistoryStore } from "../history/history-store.js";
import { openHistoryStore } from "../history/open-history-store.js";
import { historyLocationFor } from "../watch/load-watch-plan.js";

/**
 * The history the `--db` flag, `$DIGESTGUARD_DATABASE_URL`, the config's
 * `database.url` or `watch.database`, or the default state folder names, as
 * `watch`, `history`, `events`, `notify` and `db` open it.
 *
 * @example
 * ```ts
 * const history = await openHistory(flags, { readonly: true });
 * ```
 */
export async function openHistory(
  flags: { db?: string; config?: string },
  options: { readonly?: boolean } = {},
): Promise<HistoryStore> {
  const location = await historyLocationFor({
    ...(flags.db ? { db: flags.db } : {}),
    ...(flags.config ? { configPath: flags.config } : {}),
  });
  return openHistoryStore(location, options.readonly ? { readonly: true } : {});
}

/**
 * The shared database a config names (`DIGESTGUARD_DATABASE_URL` or
 * `database.url`, as watch resolves them), opened; undefined when the
 * history is the local SQLite file, which no other process shares.
 *
 * @example
 * ```ts
 * const shared = await openSharedDatabase({ config: "digestguard.yaml" }); // a PostgresHistoryStore, or undefined
 * ```
 */
export async function openSharedDatabase(flags: { config?: string }): Promise<HistoryStore | undefined> {
  const location = await historyLocationFor(flags.config ? { configPath: flags.config } : {});
  return location.backend === "postgres" ? openHistoryStore(location) : undefined;
}
