import { Option, type Command } from "commander";
import { collect, OUTPUT_FORMATS } from "../definition-helpers.js";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard pin` (pin references by digest) to `program`. Only its
 * flags and help live here: the implementation, ./pin.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * definePin(new Command("digestguard"));
 * ```
 */
export function definePin(program: Command): void {
  program
    .command("pin")
    .description("pin image references in Dockerfiles and compose files to tag@digest and write digestguard.lock")
    .argument("[paths...]", "files or folders to scan (default: .)")
    .option("--lockfile <file>", "lockfile path (default: the nearest digestguard.lock up to the repository root)")
    .option("--platform <os/arch[/variant]>", "pin this platform's manifest instead of the index")
    .option("--update", "re-resolve tags and move pins (prints what changed inside each image)")
    .option(
      "--image <pattern>",
      "with --update: only references matching PATTERN (* wildcard; a pattern naming a tag names it whole)",
    )
    .option("--check", "offline: exit 1 if any reference is unpinned or differs from the lockfile")
    .option("--kubernetes", "also scan Kubernetes manifests (*.yaml with apiVersion and kind)")
    .option("--workflows", "also scan GitHub Actions workflows (container: and services:)")
    .option(
      "--exclude <glob>",
      "leave out paths matching GLOB, gitignore syntax (repeatable); .gitignore and .digestguardignore are always respected",
      collect,
    )
    .option("--dry-run", "show what would change; write nothing")
    .option(
      "-q, --quiet",
      "print only what needs attention (references not pinned, --check findings); nothing when all is well",
    )
    .addOption(new Option("--format <format>", "output format of --check (needs --check)").choices(OUTPUT_FORMATS))
    .addHelpText(
      "after",
      `
Only the image references change, byte for byte; the default pins the index
digest (all platforms). A reference built from an ARG is pinned through the
ARG's default, or reported with the reason it cannot be.

--mirror HOST/PREFIX (without "=") moves each pin to the mirror's copy with
the same digest (REGISTRY/REPO:TAG@D becomes HOST/PREFIX/REPO:TAG@D), once
the mirror is seen to hold that digest; a reference whose digest the mirror
lacks is left as it is and reported. --mirror REGISTRY=MIRROR still means
"read REGISTRY through MIRROR".

Examples:
  $ digestguard pin
  $ digestguard pin --check                      # pre-commit hook / CI
  $ digestguard pin --update --image 'ruby:*'
  $ digestguard pin --platform linux/amd64 docker/
  $ digestguard pin --mirror 127.0.0.1:5001/backup   # after dg mirror / dg sync`,
    )
    .action((paths: string[], _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./pin.js")).pinCommand(paths, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
