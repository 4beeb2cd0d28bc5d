import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard inspect` (show what a reference points to) to `program`. Only its
 * flags and help live here: the implementation, ./inspect.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineInspect(new Command("digestguard"));
 * ```
 */
export function defineInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "show what a reference points to, byte-exact: media type, digest, size, platforms or config and layers",
    )
    .argument("<ref>", "image reference or location")
    .option("--raw", "print the exact manifest bytes (pipe to sha256sum to check the digest)")
    .option("--platform <os/arch[/variant]>", "select one platform of an index")
    .addHelpText(
      "after",
      `
Examples:
  $ digestguard inspect alpine:3.19
  $ digestguard inspect --platform linux/arm64 127.0.0.1:5000/app:1.0
  $ digestguard inspect --raw oci:./demo-layout:1.0 | sha256sum
  $ digestguard inspect --json ghcr.io/org/app@sha256:…`,
    )
    .action((ref: string, _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./inspect.js")).inspectCommand(ref, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
