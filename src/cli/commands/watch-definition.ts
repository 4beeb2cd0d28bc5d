import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard watch` (monitor upstream tags, keep their history, notify) to `program`.
 *
 * @example
 * ```ts
 * defineWatch(new Command("digestguard"));
 * ```
 */
export function defineWatch(program: Command): void {
  program
    .command("watch")
    .description("watch upstream tags on a schedule: record what each points to, classify every change, notify")
    .option("--once", "run one cycle (and the outbox) and exit: for cron jobs and CI")
    .option(
      "--db <file|url>",
      "history: a SQLite file or a postgres:// URL (default: $DIGESTGUARD_DATABASE_URL, database.url, watch.database, else $XDG_STATE_HOME/digestguard/history.sqlite)",
    )
    .option("--worker-id <name>", "this worker's name in the shared history (default: hostname:pid)")
    .option("--lease-seconds <n>", "a claimed check another worker may take over after this long (default 120)")
    .option("--lockfile <file>", "watch this lockfile's pins (default: the project's digestguard.lock)")
    .option("--log-format <format>", "text or json (one object a line)", "text")
    .option(
      "--listen <host:port>",
      "serve the dashboard, JSON API and /metrics here (default: watch.listen.address; off when neither)",
    )
    .addHelpText(
      "after",
      `
Watches watch.images in digestguard.yaml and every tagged pin of the lockfile.
Exit codes with --once: 0 nothing changed, 1 events recorded, 5 every check failed.
SIGTERM/SIGINT stop cleanly; SIGHUP reloads the config (a bad one is refused).
Several workers on one PostgreSQL history share each cycle: every tag is checked once.

Examples:
  $ digestguard watch --once --json
  $ digestguard watch --log-format json
  $ digestguard watch --listen 127.0.0.1:8080    # dashboard at http://127.0.0.1:8080/`,
    )
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./watch.js")).watchCommand(command.optsWithGlobals(), ctx)),
    );
}
