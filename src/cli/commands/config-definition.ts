import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard config show` to `program`. Only its flags and help live
 * here: the implementation, ./config.js, is imported when the command runs.
 *
 * @example
 * ```ts
 * defineConfig(new Command("digestguard"));
 * ```
 */
export function defineConfig(program: Command): void {
  const config = program
    .command("config")
    .description("the settings digestguard applies, and the file each comes from");
  config
    .command("show")
    .description("effective settings per registry: mirrors, TLS trust, client certificate, where credentials come from")
    .argument("[hosts...]", "registries to show (default: every registry a settings file names)")
    .addHelpText(
      "after",
      `
Reads digestguard.yaml, registries.conf(.d), containerd hosts.toml, certs.d and daemon.json.

Examples:
  $ digestguard config show
  $ digestguard config show --json docker.io`,
    )
    .action((hosts: string[], _flags: object, command: Command) =>
      runAction(async () => (await import("./config.js")).configShowCommand(hosts, command.optsWithGlobals())),
    );
}
