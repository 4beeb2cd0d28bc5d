import { Command, Option } from "commander";
import { ExitCode } from "../errors/error.js";
import { runAction } from "./run-action.js";
import { VERSION } from "./version.js";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The `digestguard` (alias `dg`) command line. Only commander is loaded at
 * start-up; each command's code is imported when it runs, which keeps
 * `--help` and start-up fast.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(["node", "digestguard", "inspect", "alpine:3.19"]);
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("digestguard")
    .description("Keep container base images trustworthy: inspect, resolve, verify and cache images by digest.")
    .version(VERSION)
    .option("--config <file>", "digestguard.yaml to use (default: ./digestguard.yaml, or $DIGESTGUARD_CONFIG)")
    .option("--insecure", "allow plain HTTP and unverified TLS for every registry (loopback hosts fall back to HTTP anyway)")
    .option("--ca-file <pem>", "trust this CA for registry TLS (repeatable)", collect)
    .option("--creds <user:password>", "registry credentials (else ~/.docker/config.json, REGISTRY_AUTH_FILE, credential helpers)")
    .option("--authfile <file>", "read credentials from this auth file only")
    .option("--mirror <registry=mirror>", "read REGISTRY through MIRROR first (repeatable), e.g. docker.io=127.0.0.1:5001", collect)
    .option("--timeout <seconds>", "per-request time limit", undefined)
    .option("--json", "machine-readable output (stable, documented schema)")
    // Commander exits 1 on an unknown flag or a missing argument; 1 means
    // "findings" here, so usage mistakes get the documented usage code.
    // Set before the commands are added, so every subcommand inherits it.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage))
    .addHelpText("after", `
Locations:
  alpine:3.19, ghcr.io/org/app:1@sha256:…, docker://host:5000/repo:tag   a registry
  oci:./layout[:TAG|@DIGEST], ocidir://./layout[:TAG]                    an OCI image-layout folder

Exit codes: 0 ok, 1 findings, 2 usage, 3 not found, 4 auth, 5 network/unavailable,
            6 integrity (digest or size mismatch), 7 unsupported, 8 local I/O, 70 internal error,
            130 interrupted.

Run "digestguard demo" for an offline tour.`);

  program
    .command("inspect")
    .description("show what a reference points to, byte-exact: media type, digest, size, platforms or config and layers")
    .argument("<ref>", "image reference or location")
    .option("--raw", "print the exact manifest bytes (pipe to sha256sum to check the digest)")
    .option("--platform <os/arch[/variant]>", "select one platform of an index")
    .addHelpText("after", `
Examples:
  $ digestguard inspect alpine:3.19
  $ digestguard inspect --platform linux/arm64 127.0.0.1:5000/app:1.0
  $ digestguard inspect --raw oci:./demo-layout:1.0 | sha256sum
  $ digestguard inspect --json ghcr.io/org/app@sha256:…`)
    .action((ref: string, _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/inspect.js")).inspectCommand(ref, command.optsWithGlobals(), ctx)));

  program
    .command("digest")
    .description("resolve references to digests (HEAD first), many at once; reads stdin when no reference is given")
    .argument("[refs...]", "image references or locations")
    .option("--platform <os/arch[/variant]>", "give the platform manifest digest instead of the index digest")
    .option("-q, --quiet", "print digests only")
    .option("--concurrency <n>", "references resolved at once (default 8)")
    .addOption(new Option("--stats", "print request counts to stderr").hideHelp())
    .addHelpText("after", `
The output says which digest each one is: "index (multi-platform)", "image manifest",
or "linux/arm64 manifest (from index …)". Pin the index digest unless you mean one platform.

Examples:
  $ digestguard digest alpine:3.19 debian:bookworm-slim
  $ digestguard digest --platform linux/amd64 alpine:3.19
  $ cat images.txt | digestguard digest --json`)
    .action((refs: string[], _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/digest.js")).digestCommand(refs, command.optsWithGlobals(), ctx)));

  program
    .command("tags")
    .description("list a repository's tags (follows pagination)")
    .argument("<repo>", "repository, e.g. alpine or 127.0.0.1:5000/app, or oci:./layout")
    .option("--page-size <n>", "tags asked for per page")
    .addHelpText("after", `
Examples:
  $ digestguard tags 127.0.0.1:5000/app
  $ digestguard tags --json oci:./demo-layout`)
    .action((repo: string, _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/tags.js")).tagsCommand(repo, command.optsWithGlobals(), ctx)));

  program
    .command("verify")
    .description("pull every blob of an image and prove it matches its digest; say which platform, which layer, expected vs actual")
    .argument("<refs...>", "image references or locations")
    .option("--platform <os/arch[/variant]>", "verify one platform of an index (default: every platform)")
    .option("--deep", "also decompress each layer and check it against the config's rootfs.diff_ids")
    .option("--manifests-only", "check manifests and configs only (fast)")
    .option("--cache", "commit the verified blobs to the local cache")
    .option("--offline", "re-verify from the local cache alone")
    .option("--cache-dir <dir>", "cache folder (default $DIGESTGUARD_CACHE_DIR or ~/.cache/digestguard)")
    .option("--concurrency <n>", "blobs verified at once (default 3)")
    .option("-q, --quiet", "print failures and the summary only")
    .addHelpText("after", `
Exit code 0 only when everything verified; 6 when content does not match its
digest, size or diff_id; 3 when something is missing.

Examples:
  $ digestguard verify alpine:3.19
  $ digestguard verify --deep --platform linux/amd64 127.0.0.1:5000/app:1.0
  $ digestguard verify --cache ruby:3.3-slim && digestguard verify --offline ruby:3.3-slim
  $ digestguard verify --json oci:./layout:1.0`)
    .action((refs: string[], _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/verify.js")).verifyCommand(refs, command.optsWithGlobals(), ctx)));

  program
    .command("diagnose")
    .description("read an error from docker/BuildKit/containerd/podman/skopeo, re-check the content, and say which cause fits")
    .argument("[text]", "the error text, or - (default) to read it from stdin")
    .option("--image <ref>", "image the failing build pulled (repeatable); also found from digestguard.lock", collect)
    .option("--lockfile <file>", "lockfile to search for the digest (default: digestguard.lock)")
    .option("--report <file>", "write a Markdown evidence report, fit to attach to an upstream issue")
    .option("--cache-dir <dir>", "local cache to check as well")
    .option("--no-cache", "do not look at the local cache")
    .option("--containerd-root <dir>", "containerd root whose content store is read for the blob (default /var/lib/containerd)")
    .option("--containerd-namespace <ns>", "containerd namespace named in the advice (default k8s.io)")
    .option("--buildkit-root <dir>", "BuildKit root whose content store is read (default /var/lib/buildkit/runc-overlayfs)")
    .option("--no-engines", "do not read local engines' content stores")
    .addHelpText("after", `
Exit 0 when a cause was found, 1 when undetermined, 5 when every lookup failed on the network.

Recognises: unexpected commit digest … expected …; failed commit on ref "layer-…";
filesystem layer verification failed; Digest did not match, expected …, got …;
wrong diff id calculated on extraction; unexpected EOF / unexpected commit size.
It never recommends removing a digest pin.

Examples:
  $ docker build . 2>&1 | digestguard diagnose --image ruby:3.3-slim
  $ digestguard diagnose "failed commit on ref \"layer-sha256:98d1…\": unexpected commit digest sha256:327a…, expected sha256:98d1…: failed precondition"
  $ digestguard diagnose --report mismatch.md < build.log`)
    .action((text: string | undefined, _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/diagnose.js")).diagnoseCommand(text, command.optsWithGlobals(), ctx)));

  const cache = program.command("cache").description("the local content cache: list, verify, prune");
  const cacheDir = (): Option => new Option("--cache-dir <dir>", "cache folder (default $DIGESTGUARD_CACHE_DIR or ~/.cache/digestguard)");
  cache.command("ls").description("list cached blobs and sizes").addOption(cacheDir())
    .addHelpText("after", "\nExample:\n  $ digestguard cache ls --json")
    .action((_flags: object, command: Command) =>
      runAction(async () => (await import("./commands/cache.js")).cacheListCommand(command.optsWithGlobals())));
  cache.command("verify").description("re-hash every cached blob; quarantine bad ones (exit 6 if any)").addOption(cacheDir())
    .addHelpText("after", "\nExample:\n  $ digestguard cache verify")
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/cache.js")).cacheVerifyCommand(command.optsWithGlobals(), ctx)));
  cache.command("prune").description("remove blobs by age, size or reachability (like docker builder prune)").addOption(cacheDir())
    .option("--older-than <duration>", "not used for this long, e.g. 7d, 12h")
    .option("--max-size <size>", "then least recently used until at most this big, e.g. 10GB")
    .option("--unreferenced", "not reachable from any cached reference")
    .option("--dry-run", "only say what would be removed")
    .addHelpText("after", "\nExamples:\n  $ digestguard cache prune --older-than 30d --dry-run\n  $ digestguard cache prune --unreferenced --max-size 20GB")
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/cache.js")).cachePruneCommand(command.optsWithGlobals(), ctx)));

  const formats = ["text", "json", "sarif", "junit", "github"];
  program
    .command("pin")
    .description("pin image references in Dockerfiles and compose files to tag@digest and write digestguard.lock")
    .argument("[paths...]", "files or folders to scan (default: .)")
    .option("--lockfile <file>", "lockfile path (default: digestguard.lock)")
    .option("--platform <os/arch[/variant]>", "pin this platform's manifest instead of the index")
    .option("--update", "re-resolve tags and move pins (prints what changed inside each image)")
    .option("--image <pattern>", "with --update: only references matching PATTERN (* wildcard)")
    .option("--check", "offline: exit 1 if any reference is unpinned or differs from the lockfile")
    .option("--kubernetes", "also scan Kubernetes manifests (*.yaml with apiVersion and kind)")
    .option("--workflows", "also scan GitHub Actions workflows (container: and services:)")
    .option("--dry-run", "show what would change; write nothing")
    .addOption(new Option("--format <format>", "output format of --check").choices(formats))
    .addHelpText("after", `
Only the image references change, byte for byte; the default pins the index
digest (all platforms). A reference built from an ARG is pinned through the
ARG's default, or reported with the reason it cannot be.

Examples:
  $ digestguard pin
  $ digestguard pin --check                      # pre-commit hook / CI
  $ digestguard pin --update --image 'ruby:*'
  $ digestguard pin --platform linux/amd64 docker/`)
    .action((paths: string[], _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/pin.js")).pinCommand(paths, command.optsWithGlobals(), ctx)));

  program
    .command("check")
    .description("CI check: pins agree with the lockfile, pinned digests still exist, tag drift, and with --deep every blob verifies")
    .argument("[paths...]", "files or folders to compare with the lockfile (default: the files it names)")
    .option("--lockfile <file>", "lockfile path (default: digestguard.lock)")
    .option("--deep", "also pull and verify every blob of every pinned image")
    .option("--strict", "warnings (drift, references that cannot be pinned) fail too")
    .option("--concurrency <n>", "images checked at once (default 8)")
    .addOption(new Option("--format <format>", "output format").choices(formats))
    .addHelpText("after", `
Exit codes: 0 clean; 1 findings; 4 or 5 when an image could not be checked
(auth, network) — an incomplete check, not a finding.

Examples:
  $ digestguard check
  $ digestguard check --deep --format sarif > digestguard.sarif
  $ digestguard check --format github`)
    .action((paths: string[], _flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/check.js")).checkCommand(paths, command.optsWithGlobals(), ctx)));

  const config = program.command("config").description("the settings digestguard applies, and the file each comes from");
  config.command("show").description("effective settings per registry: mirrors, TLS trust, client certificate, where credentials come from")
    .argument("[hosts...]", "registries to show (default: every registry a settings file names)")
    .addHelpText("after", "\nReads digestguard.yaml, registries.conf(.d), containerd hosts.toml, certs.d and daemon.json.\n\nExamples:\n  $ digestguard config show\n  $ digestguard config show --json docker.io")
    .action((hosts: string[], _flags: object, command: Command) =>
      runAction(async () => (await import("./commands/config.js")).configShowCommand(hosts, command.optsWithGlobals())));

  program
    .command("demo")
    .description("offline tour: build a small multi-platform image into an OCI layout and inspect it")
    .option("--dir <path>", "where to build the demo layout (default: a new temporary folder)")
    .addHelpText("after", `
Example:
  $ digestguard demo`)
    .action((_flags: object, command: Command) =>
      runAction(async (ctx) => (await import("./commands/demo.js")).demoCommand(command.optsWithGlobals(), ctx)));

  return program;
}
