import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard sync` (keep a registry's repositories in step with their
 * sources, as digestguard.yaml's `sync:` section says) to `program`.
 *
 * @example
 * ```ts
 * defineSync(new Command("digestguard"));
 * ```
 */
export function defineSync(program: Command): void {
  program
    .command("sync")
    .description("copy the images and tags digestguard.yaml's sync: section selects to their targets")
    .option("--dry-run", "print the plan (what would be copied, bytes to move) and change nothing")
    .option("--once", "run the plan once and exit")
    .option("--schedule <cron>", "keep running: a pass now, then one per cron tick (overrides sync.schedule)")
    .option("--worker-id <name>", "this worker's name in passes shared on a database (default hostname:pid)")
    .option("--lease-seconds <n>", "how long an image stays this worker's before another takes it over (120)")
    .addHelpText(
      "after",
      `
Each sync.images entry names a source repository, a tag filter (exact, allow,
deny, semver range, newest), platforms and a target template ({registry},
{repo}, {name}).
With backup: true, a target tag about to move is first kept as
<tag>-backup-<YYYY-MM-DD> (UTC; .2, .3... for later moves that day: a
backup is never overwritten).

Exit code 0 when every tag was copied or was up to date; the code of the
first failure otherwise.

With --schedule (or sync.schedule in the config and neither --once nor
--dry-run) sync runs until SIGTERM or Ctrl-C: passes never overlap, log lines
go to stderr, each pass's report to stdout (--json: one document a line).
On a stop the image in flight is finished, then sync exits 0.
With a database (database.url or DIGESTGUARD_DATABASE_URL), every sync
--schedule worker on it shares each pass: a pass is named by its tick and
each image is synced by one worker; a worker that dies mid-image leaves it
to another once its lease (--lease-seconds) runs out.

Examples:
  $ digestguard sync --dry-run
  $ digestguard sync --once --json
  $ digestguard sync --schedule "0 */6 * * *"`,
    )
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./sync.js")).syncCommand(command.optsWithGlobals(), ctx)),
    );
}
