import { Option, type Command } from "commander";
import { collect } from "../definition-helpers.js";
import { runAction } from "../run-action.js";

/**
 * Add `digestguard mirror SRC DST` (verified, idempotent copies between
 * registries and OCI layouts) to `program`. The implementation, ./mirror.js,
 * is imported when the command runs.
 *
 * @example
 * ```ts
 * defineMirror(new Command("digestguard"));
 * ```
 */
export function defineMirror(program: Command): void {
  const mirror = program
    .command("mirror")
    .description(
      "copy an image (or a repository) between registries and OCI layouts: digests kept, every blob verified, nothing moved twice",
    )
    .argument("<source>", "image reference or location: REF, docker://REF, oci:PATH[:TAG|@DIGEST]")
    .argument("<destination>", "where to copy it: a registry repository (tag optional) or oci:PATH[:TAG]")
    .option(
      "--platform <os/arch[/variant]>",
      "copy only this platform of an index (repeatable); the index written then has a new digest",
      collect,
    )
    .option("--all-tags", "copy every tag of the source repository")
    .option(
      "--referrers",
      "also copy signatures, SBOMs and attestations (OCI referrers API, or the sha256-<hex> tag fallback)",
    )
    .option("--include-foreign", "copy non-distributable (foreign) layers too")
    .addHelpText(
      "after",
      `
Exit code 0 when every image was copied or was already up to date; the code of
the first failure otherwise (6 for content that does not match its digest).

Examples:
  $ digestguard mirror 127.0.0.1:5000/base:1.0 oci:./backup
  $ digestguard mirror alpine:3.19 mirror.local/dockerhub/library/alpine
  $ digestguard mirror --platform linux/amd64 alpine:3.19 oci:./backup:3.19-amd64
  $ digestguard mirror --all-tags --referrers registry.a/app registry.b/app`,
    )
    .action((source: string, destination: string, _flags: object, command: Command) =>
      runAction(async (ctx) =>
        (await import("./mirror.js")).mirrorCommand(source, destination, command.optsWithGlobals(), ctx),
      ),
    );
  mirror
    .command("config")
    .description("print the settings that make docker, podman/buildah/skopeo or containerd pull through MIRROR")
    .argument("<mirror>", "the mirror: [http://|https://]HOST[:PORT][/PATH] (http:// marks it plain HTTP)")
    .addOption(
      new Option(
        "--for <client>",
        "whose settings: docker (daemon.json), containers (registries.conf), containerd (hosts.toml)",
      )
        .choices(["docker", "containers", "containerd"])
        .makeOptionMandatory(),
    )
    .option("--upstream <registry>", "the registry the mirror stands in for", "docker.io")
    .addHelpText(
      "after",
      `
The snippet goes to stdout, the file it belongs in (and what to do) to stderr.

Examples:
  $ digestguard mirror config --for containers http://127.0.0.1:5001/hub > /etc/containers/registries.conf.d/hub.conf
  $ digestguard mirror config --for containerd --upstream ghcr.io https://mirror.local/ghcr`,
    )
    .action((mirrorAddress: string, _flags: object, command: Command) =>
      runAction(async () =>
        (await import("./mirror.js")).mirrorConfigCommand(mirrorAddress, command.optsWithGlobals()),
      ),
    );
}
