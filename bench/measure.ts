import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Wall time and outcome of one command run. */
export interface Timed {
  ms: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion and time it (spawn to exit), capturing output. */
export function timeCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; shell?: boolean; cwd?: string } = {},
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      shell: options.shell ?? false,
      cwd: options.cwd,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, exitCode: code ?? -1, stdout, stderr }),
    );
  });
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Write a benchmark's figures as JSON under bench/out/, and echo them. */
export async function writeFigures(name: string, figures: Record<string, unknown>): Promise<void> {
  const path = `bench/out/${name}.json`;
  await mkdir(dirname(path), { recursive: true });
  const record = { name, measuredAt: new Date().toISOString(), node: process.version, ...figures };
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}

/** Fail loudly when a command the benchmark relies on did not succeed. */
export function assertOk(result: Timed, what: string): void {
  if (result.exitCode !== 0)
    throw new Error(`${what} failed (exit ${result.exitCode}): ${result.stderr.slice(0, 2000)}`);
}
