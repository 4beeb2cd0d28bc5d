import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const PRELOAD = new URL("./max-rss-preload.js", import.meta.url).href;

/** A CLI run that may have been cut off, with its peak memory and how long it took. */
export interface BoundedRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Peak RSS of the CLI process in bytes; undefined when it was killed before it could say. */
  maxRssBytes: number | undefined;
  elapsedMs: number;
  /** True when the run had to be killed at `limitMs`: it hung. */
  hung: boolean;
}

/**
 * Run the real `digestguard` binary without the user's auth files, kill it
 * if it runs past `limitMs` (a hang is reported, never waited out), and
 * report its peak resident memory and duration.
 *
 * @example
 * ```ts
 * const run = await runCliBounded(["inspect", ref], { limitMs: 30_000 });
 * assert.equal(run.hung, false);
 * ```
 */
export function runCliBounded(args: string[], options: { limitMs: number }): Promise<BoundedRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", PRELOAD, BIN, ...args],
      { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" } },
      (error, stdout, stderr) => {
        clearTimeout(timer);
        const code = (error as { code?: unknown } | null)?.code;
        const rss = /max-rss-kb=(\d+)/.exec(stderr);
        resolve({
          exitCode: typeof code === "number" ? code : error ? 1 : 0,
          stdout,
          stderr,
          maxRssBytes: rss === null ? undefined : Number(rss[1]) * 1024,
          elapsedMs: performance.now() - started,
          hung,
        });
      },
    );
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, options.limitMs);
  });
}
