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

/** Run a command under `/usr/bin/time` so its peak RSS can be read with {@link maxRssKb}. */
export function timedWithRss(argv: string[]): Promise<Timed> {
  return timeCommand("/usr/bin/time", ["-f", "maxrss-kb=%M", ...argv]);
}

/** The result, after failing loudly when the command did not succeed. */
export function checked(result: Timed, what: string): Timed {
  assertOk(result, what);
  return result;
}

/** Peak RSS in KiB of a run made by {@link timedWithRss}. */
export function maxRssKb(result: Timed): number {
  return Number(/maxrss-kb=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
}

/** A figure rounded to three decimals, as the JSON files keep them. */
export function round3(value: number): number {
  return Number(value.toFixed(3));
}

/**
 * Time `dg history REFERENCE --at TIME --db DB --json` as a whole process,
 * `runs` times, each run checked to succeed: the start-up plus one indexed
 * lookup, as a user at a terminal meets it.
 */
export async function timeHistoryAt(
  bin: string,
  reference: string,
  at: string,
  db: string,
  runs = 5,
): Promise<number[]> {
  const times: number[] = [];
  for (let q = 0; q < runs; q++) {
    const run = await timeCommand(process.execPath, [bin, "history", reference, "--at", at, "--db", db, "--json"]);
    assertOk(run, "dg history --at");
    times.push(run.ms);
  }
  return times;
}
