import { Argument, type Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard completion bash|zsh|fish` (print a shell completion
 * script) to `program`. The script is made from the commands and flags
 * defined here, so it never lags behind them; ./completion.js writes it.
 *
 * @example
 * ```ts
 * defineCompletion(new Command("digestguard"));
 * ```
 */
export function defineCompletion(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script for digestguard and dg")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  $ source <(digestguard completion bash)                       # bash, this shell
  $ digestguard completion zsh > "\${fpath[1]}/_digestguard"       # zsh
  $ digestguard completion fish > ~/.config/fish/completions/dg.fish`,
    )
    .action((shell: string, _flags: object, command: Command) => {
      const commands = (command.parent as Command).commands.map((c) => ({
        name: c.name(),
        subcommands: c.commands.map((s) => s.name()),
        flags: [...c.options, ...(command.parent as Command).options]
          .flatMap((o) => [o.long, o.short])
          .filter((f): f is string => f !== undefined),
      }));
      return runAction(
        async () => (await import("./completion.js")).completionCommand(shell, commands),
        command.optsWithGlobals(),
      );
    });
}
