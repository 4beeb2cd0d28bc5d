import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** What one tool run printed, stdout and stderr interleaved as a terminal shows them. */
export interface CapturedRun {
  /** The command line as a user would have typed it. */
  command: string;
  text: string;
  exitCode: number | string;
}

/**
 * Run `file args` with stdout and stderr going to the same file, so the
 * captured text keeps the order a person pasting from a terminal would
 * see. A run that outlives `timeoutMs` is killed (it is still a result).
 *
 * @example
 * ```ts
 * const run = await runCaptured("/usr/bin/skopeo", ["--version"], { dir: "/tmp/x" });
 * ```
 */
export async function runCaptured(
  file: string,
  args: readonly string[],
  options: { dir: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; shown?: string },
): Promise<CapturedRun> {
  const outFile = join(options.dir, `out-${process.hrtime.bigint()}.txt`);
  const fd = openSync(outFile, "w");
  try {
    const child = spawn(file, args, { stdio: ["ignore", fd, fd], env: options.env ?? process.env, cwd: options.dir });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    const exitCode = await new Promise<number | string>((resolve) => {
      child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
      child.once("error", (error) => resolve(`spawn error: ${error.message}`));
    });
    clearTimeout(timer);
    return { command: options.shown ?? [file, ...args].join(" "), text: readFileSync(outFile, "utf8"), exitCode };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first line a tool prints for `args` (its version), or undefined when
 * it is not installed.
 *
 * @example
 * ```ts
 * toolVersion("/usr/bin/podman", ["--version"]); // "podman version 4.3.1"
 * ```
 */
export function toolVersion(file: string, args: readonly string[] = ["--version"]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")[0]
      ?.trim();
  } catch {
    return undefined;
  }
}

/**
 * Wait until `probe` succeeds (a daemon answering on its socket) or fail
 * after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitFor(() => execFileSync("ctr", ["--address", sock, "version"]), 20_000, "containerd");
 * ```
 */
export async function waitFor(probe: () => unknown, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      probe();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Cannot start ${what}: not ready after ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
