import { Option, type Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard digest` (resolve references to digests) to `program`. Only its
 * flags and help live here: the implementation, ./digest.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineDigest(new Command("digestguard"));
 * ```
 */
export function defineDigest(program: Command): void {
  program
    .command("digest")
    .description("resolve references to digests (HEAD first), many at once; reads stdin when no reference is given")
    .argument("[refs...]", "image references or locations")
    .option("--platform <os/arch[/variant]>", "give the platform manifest digest instead of the index digest")
    .option("-q, --quiet", "print digests only")
    .option("--concurrency <n>", "references resolved at once (default 8)")
    .addOption(new Option("--stats", "print request counts to stderr").hideHelp())
    .addHelpText(
      "after",
      `
The output says which digest each one is: "index (multi-platform)", "image manifest",
or "linux/arm64 manifest (from index …)". Pin the index digest unless you mean one platform.

Examples:
  $ digestguard digest alpine:3.19 debian:bookworm-slim
  $ digestguard digest --platform linux/amd64 alpine:3.19
  $ cat images.txt | digestguard digest --json`,
    )
    .action((refs: string[], _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./digest.js")).digestCommand(refs, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
