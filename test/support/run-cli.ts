import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));

/** What one CLI run printed and how it exited. */
export interface CliResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/**
 * Run the real `digestguard` binary (the compiled one tests were built
 * with), without the user's auth files, and collect its output as bytes.
 *
 * @example
 * ```ts
 * const { stdout, exitCode } = await runCli(["inspect", "--raw", ref]);
 * ```
 */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        encoding: "buffer",
        maxBuffer: 64 << 20,
        env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json", ...options.env },
        cwd: options.cwd,
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ stdout, stderr: stderr.toString(), exitCode: typeof code === "number" ? code : error ? 1 : 0 });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}
