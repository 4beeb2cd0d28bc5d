import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const PRELOAD = new URL("./max-rss-preload.js", import.meta.url).href;

/** A CLI run and its peak resident set size. */
export interface MeasuredRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Peak RSS of the CLI process, in bytes. */
  maxRssBytes: number;
}

/**
 * Run the real `digestguard` binary and report its peak memory
 * (VmHWM of the child, read as it exits).
 *
 * @example
 * ```ts
 * const { maxRssBytes } = await runCliMeasured(["verify", ref]);
 * ```
 */
export function runCliMeasured(args: string[]): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", PRELOAD, BIN, ...args],
      { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" } },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        const rss = /max-rss-kb=(\d+)/.exec(stderr);
        if (rss === null) {
          reject(new Error(`Cannot measure the CLI run: no max-rss line in its stderr:\n${stderr}`));
          return;
        }
        resolve({
          exitCode: typeof code === "number" ? code : error ? 1 : 0,
          stdout,
          stderr,
          maxRssBytes: Number(rss[1]) * 1024,
        });
      },
    );
  });
}
