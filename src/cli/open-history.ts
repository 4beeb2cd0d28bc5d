import { SqliteHistoryStore } from "../history/sqlite-history-store.js";
import { historyPathFor } from "../watch/load-watch-plan.js";

/**
 * The history database the `--db` flag, the config's `watch.database` or
 * the default state folder names, as `history`, `events` and `notify` open it.
 *
 * @example
 * ```ts
 * const history = await openHistory(flags, { readonly: true });
 * ```
 */
export async function openHistory(
  flags: { db?: string; config?: string },
  options: { readonly?: boolean } = {},
): Promise<SqliteHistoryStore> {
  const path = await historyPathFor({
    ...(flags.db ? { db: flags.db } : {}),
    ...(flags.config ? { configPath: flags.config } : {}),
  });
  return SqliteHistoryStore.open(path, options.readonly ? { readonly: true } : {});
}
