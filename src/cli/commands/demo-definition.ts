import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard demo` (the offline tour) to `program`. Only its
 * flags and help live here: the implementation, ./demo.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineDemo(new Command("digestguard"));
 * ```
 */
export function defineDemo(program: Command): void {
  program
    .command("demo")
    .description("offline tour: build a small multi-platform image into an OCI layout and inspect it")
    .option("--dir <path>", "where to build the demo layout (default: a new temporary folder)")
    .addHelpText(
      "after",
      `
Example:
  $ digestguard demo`,
    )
    .action((_flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./demo.js")).demoCommand(command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
