import type { Command } from "commander";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard verify` (prove every blob of an image) to `program`. Only its
 * flags and help live here: the implementation, ./verify.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineVerify(new Command("digestguard"));
 * ```
 */
export function defineVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "pull every blob of an image and prove it matches its digest; say which platform, which layer, expected vs actual",
    )
    .argument("<refs...>", "image references or locations")
    .option("--platform <os/arch[/variant]>", "verify one platform of an index (default: every platform)")
    .option("--deep", "also decompress each layer and check it against the config's rootfs.diff_ids")
    .option("--manifests-only", "check manifests and configs only (fast)")
    .option("--cache", "commit the verified blobs to the local cache")
    .option("--offline", "re-verify from the local cache alone")
    .option("--cache-dir <dir>", "cache folder (default $DIGESTGUARD_CACHE_DIR or ~/.cache/digestguard)")
    .option("--concurrency <n>", "blobs verified at once (default 3)")
    .option("-q, --quiet", "print failures and the summary only")
    .addHelpText(
      "after",
      `
Exit code 0 only when everything verified; 6 when content does not match its
digest, size or diff_id; 3 when something is missing.

Examples:
  $ digestguard verify alpine:3.19
  $ digestguard verify --deep --platform linux/amd64 127.0.0.1:5000/app:1.0
  $ digestguard verify --cache ruby:3.3-slim && digestguard verify --offline ruby:3.3-slim
  $ digestguard verify --json oci:./layout:1.0`,
    )
    .action((refs: string[], _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./verify.js")).verifyCommand(refs, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
