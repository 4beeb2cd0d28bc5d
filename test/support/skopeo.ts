import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onProcessExit } from "./child-reaper.js";
import type { RunningRegistry } from "./registry.js";
import { requireToolOrSkip, toolSkipReason, type RequiredTool } from "./require-tool.js";

const SKOPEO_BINARY = "/usr/bin/skopeo";

/** What a skopeo run produced; a non-zero exit is a result, not an exception. */
export interface SkopeoResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** skopeo as a {@link RequiredTool}. */
export function skopeoTool(): RequiredTool {
  return { name: "skopeo", available: skopeoAvailable(), install: "apt-get install skopeo" };
}

/** Whether skopeo is installed. */
export function skopeoAvailable(): boolean {
  return existsSync(SKOPEO_BINARY);
}

/** Skip (or, with `CI` set, fail) a test when skopeo is missing; returns whether it may go on. */
export function requireSkopeoOrSkip(t: { skip(message?: string): void }): boolean {
  return requireToolOrSkip(t, skopeoTool());
}

/** For `describe(name, { skip: skopeoSkipReason() }, ...)`. */
export function skopeoSkipReason(): string | false {
  return toolSkipReason(skopeoTool());
}

const SUBCOMMANDS = new Set(["copy", "sync", "inspect", "list-tags", "delete", "login", "logout", "layers"]);
const TRANSPORT = /^(docker|oci|oci-archive|dir|docker-archive|docker-daemon|containers-storage|tarball|sif):/;

/**
 * Run the real skopeo with the flags `registry`'s mode needs, inserted after
 * the subcommand: `--tls-verify=false` for plain HTTP, `--cert-dir` with the
 * harness CA for TLS modes, `--creds` for basic and token modes. For `copy`
 * the `--src-`/`--dest-` variants go to whichever side names the registry's
 * host; for `sync` to whichever of `--src`/`--dest` is `docker`. Credentials
 * in the user's own auth files are never consulted.
 *
 * @example
 * ```ts
 * const { exitCode, stdout } = await skopeo(["inspect", "--raw", `docker://${registry.host}/app:1`], { registry });
 * ```
 */
export function skopeo(
  args: readonly string[],
  options: { registry?: RunningRegistry; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SkopeoResult> {
  const argv = [
    ...globalFlags(),
    ...(options.registry === undefined ? args : withRegistryFlags(args, options.registry)),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      SKOPEO_BINARY,
      argv,
      {
        env: { ...process.env, REGISTRY_AUTH_FILE: join(isolation().dir, "no-auth.json") },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error !== null && typeof code !== "number") {
          reject(new Error(`Cannot run skopeo ${args[0] ?? ""}: ${error.message}\n${stderr}`, { cause: error }));
          return;
        }
        resolve({ stdout, stderr, exitCode: typeof code === "number" ? code : 0 });
      },
    );
  });
}

/**
 * The flags that let skopeo reach `registry`, with `prefix` "" for
 * single-image commands or "src-"/"dest-" for copy and sync.
 *
 * @example
 * ```ts
 * skopeoRegistryFlags(registry, "dest-"); // ["--dest-cert-dir", "/tmp/…/cert-dir", "--dest-creds", "tester:…"]
 * ```
 */
export function skopeoRegistryFlags(registry: RunningRegistry, prefix: "" | "src-" | "dest-"): string[] {
  const flags =
    registry.certDir === undefined
      ? [`--${prefix}tls-verify=false`]
      : [`--${prefix}tls-verify=true`, `--${prefix}cert-dir`, registry.certDir];
  if (registry.username !== undefined && registry.password !== undefined) {
    flags.push(`--${prefix}creds`, `${registry.username}:${registry.password}`);
  }
  return flags;
}

function withRegistryFlags(args: readonly string[], registry: RunningRegistry): string[] {
  const at = args.findIndex((arg) => SUBCOMMANDS.has(arg));
  if (at < 0) return [...args];
  const subcommand = args[at] as string;
  const rest = args.slice(at + 1);
  let flags: string[];
  if (subcommand === "copy") {
    const [source, destination] = rest.filter((arg) => TRANSPORT.test(arg));
    const ours = (ref: string | undefined): boolean => ref?.startsWith(`docker://${registry.host}/`) ?? false;
    flags = [
      ...(ours(source) ? skopeoRegistryFlags(registry, "src-") : []),
      ...(ours(destination) ? skopeoRegistryFlags(registry, "dest-") : []),
    ];
  } else if (subcommand === "sync") {
    const transport = (flag: string): string | undefined => {
      const i = rest.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
      return i < 0 ? undefined : rest[i]?.includes("=") ? rest[i]?.split("=")[1] : rest[i + 1];
    };
    flags = [
      ...(transport("--src") === "docker" ? skopeoRegistryFlags(registry, "src-") : []),
      ...(transport("--dest") === "docker" ? skopeoRegistryFlags(registry, "dest-") : []),
    ];
  } else if (subcommand === "login" || subcommand === "logout") {
    flags = skopeoRegistryFlags(registry, "").filter((flag, i, all) => flag !== "--creds" && all[i - 1] !== "--creds");
  } else {
    flags = skopeoRegistryFlags(registry, "");
  }
  return [...args.slice(0, at + 1), ...flags, ...rest];
}

/** A private policy (accept anything) so results never depend on the machine's /etc/containers. */
function globalFlags(): string[] {
  return ["--policy", join(isolation().dir, "policy.json")];
}

let isolationDir: { dir: string } | undefined;

function isolation(): { dir: string } {
  if (isolationDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "digestguard-skopeo-"));
    onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "policy.json"), JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
    isolationDir = { dir };
  }
  return isolationDir;
}
