import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard db migrate|status|copy` (the history database) to `program`.
 *
 * @example
 * ```ts
 * defineDb(new Command("digestguard"));
 * ```
 */
export function defineDb(program: Command): void {
  const db = program
    .command("db")
    .description("the history database: migrate it, show its state, copy SQLite into PostgreSQL");
  const where = "history: a SQLite file or a postgres:// URL (default: as watch)";
  db.command("migrate")
    .description("bring the history's schema up to date (watch does this on start too)")
    .option("--db <file|url>", where)
    .action((_flags: object, command: Command) =>
      runAction(async () => (await import("./db.js")).dbMigrateCommand(command.optsWithGlobals())),
    );
  db.command("status")
    .description("backend, schema version and row counts")
    .option("--db <file|url>", where)
    .action((_flags: object, command: Command) =>
      runAction(async () => (await import("./db.js")).dbStatusCommand(command.optsWithGlobals())),
    );
  db.command("copy")
    .description("copy a SQLite history into an empty PostgreSQL database, in one transaction")
    .requiredOption("--from <sqlite:path>", "the SQLite history, e.g. sqlite:~/.local/state/digestguard/history.sqlite")
    .requiredOption("--to <url>", "the PostgreSQL database, postgres://user:password@host/db")
    .addHelpText(
      "after",
      `
Example:
  $ digestguard db copy --from sqlite:history.sqlite --to postgres://dg@db.internal/dg`,
    )
    .action((_flags: object, command: Command) =>
      runAction(async () => (await import("./db.js")).dbCopyCommand(command.optsWithGlobals())),
    );
}
