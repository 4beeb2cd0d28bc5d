import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard notify test` (send a test event to the configured notifiers) to `program`.
 *
 * @example
 * ```ts
 * defineNotify(new Command("digestguard"));
 * ```
 */
export function defineNotify(program: Command): void {
  const notify = program.command("notify").description("notifications of watch events");
  notify
    .command("test")
    .description("send a test event through the outbox to every notifier in watch.notifiers (or --to NAME)")
    .option("--to <name>", "only this notifier")
    .option("--db <file|url>", "history: a SQLite file or a postgres:// URL (default: as watch)")
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./notify.js")).notifyTestCommand(command.optsWithGlobals(), ctx)),
    );
}
