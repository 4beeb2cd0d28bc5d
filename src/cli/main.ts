import { Command, Option } from "commander";
import { defineInspect } from "./commands/inspect-definition.js";
import { defineDigest } from "./commands/digest-definition.js";
import { defineTags } from "./commands/tags-definition.js";
import { defineVerify } from "./commands/verify-definition.js";
import { defineDiagnose } from "./commands/diagnose-definition.js";
import { defineCache } from "./commands/cache-definition.js";
import { definePin } from "./commands/pin-definition.js";
import { defineCheck } from "./commands/check-definition.js";
import { defineConfig } from "./commands/config-definition.js";
import { defineDemo } from "./commands/demo-definition.js";
import { defineMirror } from "./commands/mirror-definition.js";
import { defineSync } from "./commands/sync-definition.js";
import { defineCompletion } from "./commands/completion-definition.js";
import { defineWatch } from "./commands/watch-definition.js";
import { defineHistory } from "./commands/history-definition.js";
import { defineEvents } from "./commands/events-definition.js";
import { defineNotify } from "./commands/notify-definition.js";
import { defineDb } from "./commands/db-definition.js";
import { collect } from "./definition-helpers.js";
import { usageErrors } from "./usage-error.js";
import { VERSION } from "./version.js";

/** Every command, in the order `--help` lists them; each definition sits beside its command. */
const COMMANDS = [
  defineInspect,
  defineDigest,
  defineTags,
  defineVerify,
  defineDiagnose,
  defineCache,
  definePin,
  defineCheck,
  defineMirror,
  defineSync,
  defineConfig,
  defineWatch,
  defineHistory,
  defineEvents,
  defineNotify,
  defineDb,
  defineDemo,
  defineCompletion,
];

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
export function buildProgram(argv: readonly string[] = process.argv): Command {
  const usage = usageErrors(argv);
  const program = new Command("digestguard")
    .description("Keep container base images trustworthy: inspect, resolve, verify and cache images by digest.")
    .version(VERSION)
    .option(
      "--config <file>",
      "digestguard.yaml to use (default: $DIGESTGUARD_CONFIG, else the nearest digestguard.yaml up to the repository root)",
    )
    .option(
      "--insecure",
      "allow plain HTTP and unverified TLS for every registry (loopback hosts fall back to HTTP anyway)",
    )
    .option("--ca-file <pem>", "trust this CA for registry TLS (repeatable)", collect)
    .option(
      "--creds <user:password>",
      "registry credentials (else ~/.docker/config.json, REGISTRY_AUTH_FILE, credential helpers)",
    )
    .option("--authfile <file>", "read credentials from this auth file only")
    .option(
      "--mirror <registry=mirror>",
      "read REGISTRY through MIRROR first (repeatable), e.g. docker.io=127.0.0.1:5001",
      collect,
    )
    .option("--timeout <seconds>", "per-request time limit", undefined)
    .option("--json", "machine-readable output (stable schema in schemas/); failures too are JSON on stdout")
    .addOption(
      new Option("--color <when>", "colour: auto (a terminal, unless NO_COLOR is set), always, never").choices([
        "auto",
        "always",
        "never",
      ]),
    )
    // Commander exits 1 on an unknown flag or a missing argument; 1 means
    // "findings" here, so usage mistakes get the documented usage code (and
    // a JSON document when JSON was asked for). Set before the commands are
    // added, so every subcommand inherits it.
    .configureOutput({ outputError: usage.outputError })
    .exitOverride(usage.exit)
    .addHelpText(
      "after",
      `
Locations:
  alpine:3.19, ghcr.io/org/app:1@sha256:…, docker://host:5000/repo:tag   a registry
  oci:./layout[:TAG|@DIGEST], ocidir://./layout[:TAG]                    an OCI image-layout folder

Exit codes: 0 ok, 1 findings, 2 usage, 3 not found, 4 auth, 5 network/unavailable,
            6 integrity (digest or size mismatch), 7 unsupported, 8 local I/O, 70 internal error,
            130 interrupted.

Run "digestguard demo" for an offline tour.`,
    );

  for (const define of COMMANDS) define(program);
  return program;
}
