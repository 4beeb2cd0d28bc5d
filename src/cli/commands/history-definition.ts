import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard history REF` (a watched tag's timeline) to `program`.
 *
 * @example
 * ```ts
 * defineHistory(new Command("digestguard"));
 * ```
 */
export function defineHistory(program: Command): void {
  program
    .command("history")
    .description("what a watched tag pointed to over time, or at one time (--at)")
    .argument("<ref>", "the tag, e.g. alpine:3.19")
    .option("--at <time>", "what the tag pointed to at this ISO 8601 time, e.g. 2024-09-03T12:00Z")
    .option("--db <file|url>", "history: a SQLite file or a postgres:// URL (default: as watch)")
    .action((ref: string, _flags: object, command: Command) =>
      runAction(async () => (await import("./history.js")).historyCommand(ref, command.optsWithGlobals())),
    );
}
