import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));

/** How a signalled CLI run ended. */
export interface KilledRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real CLI in `cwd` and send it `signal` after `delayMs` (unless it
 * has exited by then); resolves when the process is gone.
 *
 * @example
 * ```ts
 * const run = await runCliAndSignal(["pin", "."], { cwd, signal: "SIGTERM", delayMs: 300 });
 * ```
 */
export async function runCliAndSignal(
  args: string[],
  options: { cwd: string; signal: NodeJS.Signals; delayMs: number },
): Promise<KilledRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const timer = sleep(options.delayMs).then(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill(options.signal);
  });
  const { code, signal } = await exited;
  await timer;
  return { exitCode: code, signal, stdout, stderr };
}

/**
 * Files under `dir` an interrupted writer may leave: atomic-write temps
 * (`.<name>.*.tmp`), pin journals and lock files.
 *
 * @example
 * ```ts
 * assert.deepEqual(await leftovers(project.dir), []);
 * ```
 */
export async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => /^\..*\.tmp$/.test(e.name) || e.name.endsWith(".journal") || e.name.endsWith(".lock.lock"))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * The pinned digest of every file (relative path → digest or undefined),
 * for files holding a single `FROM` line.
 *
 * @example
 * ```ts
 * const pins = await pinsOf(dir, ["d000/Dockerfile"]);
 * ```
 */
export async function pinsOf(dir: string, files: string[]): Promise<Map<string, string | undefined>> {
  const pins = new Map<string, string | undefined>();
  for (const file of files) pins.set(file, /@(sha256:[0-9a-f]{64})/.exec(await readFile(join(dir, file), "utf8"))?.[1]);
  return pins;
}
