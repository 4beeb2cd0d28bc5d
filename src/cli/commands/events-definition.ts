import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard events` (what watch recorded; `--pending` for the outbox) to `program`.
 *
 * @example
 * ```ts
 * defineEvents(new Command("digestguard"));
 * ```
 */
export function defineEvents(program: Command): void {
  program
    .command("events")
    .description("events watch recorded, newest first; --pending lists notifications not yet delivered")
    .option("--pending", "list the outbox: deliveries waiting for a retry, with attempts and last error")
    .option("--limit <n>", "events or pending deliveries shown (default 50)")
    .option("--ref <ref>", "only events of this tag (canonical registry/repository:tag)")
    .option("--db <file|url>", "history: a SQLite file or a postgres:// URL (default: as watch)")
    .action((_flags: object, command: Command) =>
      runAction(async () => (await import("./events.js")).eventsCommand(command.optsWithGlobals())),
    );
}
