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
