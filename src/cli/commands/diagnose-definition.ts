import type { Command } from "commander";
import { collect } from "../definition-helpers.js";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard diagnose` (explain a pull/build error) to `program`. Only its
 * flags and help live here: the implementation, ./diagnose.js, is imported when
 * the command runs, so `--help` never loads it.
 *
 * @example
 * ```ts
 * defineDiagnose(new Command("digestguard"));
 * ```
 */
export function defineDiagnose(program: Command): void {
  program
    .command("diagnose")
    .description(
      "read an error from docker/BuildKit/containerd/podman/skopeo, re-check the content, and say which cause fits",
    )
    .argument("[text]", "the error text, or - (default) to read it from stdin")
    .option("--image <ref>", "image the failing build pulled (repeatable); also found from digestguard.lock", collect)
    .option("--lockfile <file>", "lockfile to search for the digest (default: digestguard.lock)")
    .option("--report <file>", "write a Markdown evidence report, fit to attach to an upstream issue")
    .option(
      "--alternatives",
      "also find ways forward, each verified: earlier pins from the lockfile's git history, mirror/cache copies, other tags with the same layer",
    )
    .option("--cache-dir <dir>", "local cache to check as well")
    .option("--no-cache", "do not look at the local cache")
    .option(
      "--containerd-root <dir>",
      "containerd root whose content store is read for the blob (default /var/lib/containerd)",
    )
    .option("--containerd-namespace <ns>", "containerd namespace named in the advice (default k8s.io)")
    .option(
      "--buildkit-root <dir>",
      "BuildKit root whose content store is read (default /var/lib/buildkit/runc-overlayfs)",
    )
    .option("--no-engines", "do not read local engines' content stores")
    .addHelpText(
      "after",
      `
Exit 0 when a cause was found, 1 when undetermined, 5 when every lookup failed on the network.

Recognises: unexpected commit digest … expected …; failed commit on ref "layer-…";
filesystem layer verification failed; Digest did not match, expected …, got …;
wrong diff id calculated on extraction; unexpected EOF / unexpected commit size.
It never recommends removing a digest pin.

Examples:
  $ docker build . 2>&1 | digestguard diagnose --image ruby:3.3-slim
  $ digestguard diagnose 'failed commit on ref "layer-sha256:98d1…": unexpected commit digest sha256:327a…, expected sha256:98d1…: failed precondition'
  $ digestguard diagnose --report mismatch.md < build.log
  $ digestguard diagnose --alternatives < build.log`,
    )
    .action((text: string | undefined, _flags: object, command: Command) =>
      runAction(
        async (ctx) => (await import("./diagnose.js")).diagnoseCommand(text, command.optsWithGlobals(), ctx),
        command.optsWithGlobals(),
      ),
    );
}
