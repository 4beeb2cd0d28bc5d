import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { requireToolOrSkip, type RequiredTool } from "./require-tool.js";

const execFileAsync = promisify(execFile);

/** buildah (Debian package `buildah`) as a {@link RequiredTool}. */
export function buildahTool(): RequiredTool {
  return { name: "buildah", available: existsSync("/usr/bin/buildah"), install: "apt-get install buildah" };
}

/** Skip when buildah is missing (fail when CI is set). */
export function requireBuildahOrSkip(t: { skip(message?: string): void }): boolean {
  return requireToolOrSkip(t, buildahTool());
}

/**
 * Run buildah with its own throw-away storage (vfs driver, so no overlay
 * mount is needed) and the given registries.conf; returns stdout.
 *
 * @example
 * ```ts
 * await buildah(["pull", "--tls-verify=false", ref], { storage: dir, registriesConf: file });
 * ```
 */
export async function buildah(
  args: string[],
  options: { storage: string; registriesConf: string; timeoutMs?: number },
): Promise<string> {
  const global = [
    "--root",
    `${options.storage}/root`,
    "--runroot",
    `${options.storage}/run`,
    "--storage-driver",
    "vfs",
    "--registries-conf",
    options.registriesConf,
  ];
  try {
    const { stdout } = await execFileAsync("buildah", [...global, ...args], {
      timeout: options.timeoutMs ?? 60_000,
      env: { ...process.env, CONTAINERS_REGISTRIES_CONF: options.registriesConf },
    });
    return stdout;
  } catch (error) {
    throw new Error(`buildah ${args.join(" ")} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, {
      cause: error,
    });
  }
}
