import { Option, type Command } from "commander";
import { collect, OUTPUT_FORMATS } from "../definition-helpers.js";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard check` (the CI check) to `program`. Only its
 * flags and help live here: the implementation, ./check.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineCheck(new Command("digestguard"));
 * ```
 */
export function defineCheck(program: Command): void {
  program
    .command("check")
    .description(
      "CI check: pins agree with the lockfile, pinned digests still exist, tag drift, and with --deep every blob verifies",
    )
    .argument("[paths...]", "files or folders to compare with the lockfile (default: the files it names)")
    .option("--lockfile <file>", "lockfile path (default: the nearest digestguard.lock up to the repository root)")
    .option("--exclude <glob>", "leave out paths matching GLOB, gitignore syntax (repeatable)", collect)
    .option("--deep", "also pull every blob of every pinned image, verify it and its diff_id (as verify --deep)")
    .option(
      "--coverage",
      "also confirm every pinned digest is present and verifies in the mirror (--mirror HOST/PREFIX, else the configured mirrors)",
    )
    .option("--strict", "warnings (drift, references that cannot be pinned) fail too")
    .option("-q, --quiet", "text: print the findings only, no summary line; nothing when clean")
    .option("--concurrency <n>", "images checked at once (default 8)")
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS))
    .addHelpText(
      "after",
      `
Exit codes: 0 clean; 1 findings; 4 or 5 when an image could not be checked
(auth, network) — an incomplete check, not a finding.

Examples:
  $ digestguard check
  $ digestguard check --deep --format sarif > digestguard.sarif
  $ digestguard check --format github
  $ digestguard check --coverage --mirror 127.0.0.1:5001/backup`,
    )
    .action((paths: string[], _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./check.js")).checkCommand(paths, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
