import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard tags` (list a repository's tags) to `program`. Only its
 * flags and help live here: the implementation, ./tags.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineTags(new Command("digestguard"));
 * ```
 */
export function defineTags(program: Command): void {
  program
    .command("tags")
    .description("list a repository's tags (follows pagination)")
    .argument("<repo>", "repository, e.g. alpine or 127.0.0.1:5000/app, or oci:./layout")
    .option("--page-size <n>", "tags asked for per page")
    .addHelpText(
      "after",
      `
Examples:
  $ digestguard tags 127.0.0.1:5000/app
  $ digestguard tags --json oci:./demo-layout`,
    )
    .action((repo: string, _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./tags.js")).tagsCommand(repo, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
