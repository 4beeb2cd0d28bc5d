import { Option, type Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard cache` (the local content cache: ls, verify, prune) to `program`. Only its
 * flags and help live here: the implementation, ./cache.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineCache(new Command("digestguard"));
 * ```
 */
export function defineCache(program: Command): void {
  const cache = program.command("cache").description("the local content cache: list, verify, prune");
  const cacheDir = (): Option =>
    new Option("--cache-dir <dir>", "cache folder (default $DIGESTGUARD_CACHE_DIR or ~/.cache/digestguard)");
  cache
    .command("ls")
    .description("list cached blobs and sizes")
    .addOption(cacheDir())
    .addHelpText("after", "\nExample:\n  $ digestguard cache ls --json")
    .action((_flags: object, command: Command) =>
      runAction(
        async () => (await import("./cache.js")).cacheListCommand(command.optsWithGlobals()),
        command.optsWithGlobals(),
      ),
    );
  cache
    .command("verify")
    .description("re-hash every cached blob; quarantine bad ones (exit 6 if any)")
    .addOption(cacheDir())
    .addHelpText("after", "\nExample:\n  $ digestguard cache verify")
    .action((_flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./cache.js")).cacheVerifyCommand(command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
  cache
    .command("prune")
    .description("remove blobs by age, size or reachability (like docker builder prune)")
    .addOption(cacheDir())
    .option("--older-than <duration>", "not used for this long, e.g. 7d, 12h")
    .option("--max-size <size>", "then least recently used until at most this big, e.g. 10GB")
    .option("--unreferenced", "not reachable from any cached reference")
    .option("--dry-run", "only say what would be removed")
    .addHelpText(
      "after",
      "\nExamples:\n  $ digestguard cache prune --older-than 30d --dry-run\n  $ digestguard cache prune --unreferenced --max-size 20GB",
    )
    .action((_flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./cache.js")).cachePruneCommand(command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
