// diagnose figures (BENCHMARKS.md): parsing a 10 MB log of repeated retry
// errors in-process, and a whole offline `diagnose` run (registry
// unreachable) in a folder whose Dockerfiles name 6 images.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseErrorText } from "../src/diagnose/parse-error-text.js";
import { median, timeCommand, writeFigures } from "./measure.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const E = `sha256:${"e9".repeat(32)}`;
const A = `sha256:${"a1".repeat(32)}`;

function retryLog(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const line = `time="2024-03-05T10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(i).padStart(9, "0")}Z" level=error msg="Download failed, retrying: unexpected EOF"`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push(`failed commit on ref "layer-${E}": unexpected commit digest ${A}, expected ${E}: failed precondition`);
  return lines.join("\n");
}

async function parseFigure(): Promise<{ bytes: number; ms: number }> {
  const log = retryLog(10 << 20);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    const parsed = parseErrorText(log);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (parsed.expected !== E) throw new Error("the bench log was misread");
  }
  return { bytes: log.length, ms: median(times) };
}

async function offlineFigure(): Promise<{ ms: number; exitCode: number }> {
  const dir = await mkdtemp(join(tmpdir(), "dg-diagnose-bench-"));
  try {
    // Port 9 on loopback: nothing listens, every connection is refused at once, as offline.
    for (let i = 0; i < 6; i += 1) {
      await mkdir(join(dir, `svc${i}`));
      await writeFile(join(dir, `svc${i}`, "Dockerfile"), `FROM 127.0.0.1:9/team/base${i}:1.${i}\nRUN true\n`);
    }
    const text = `ERROR: failed to solve: failed commit on ref "layer-${E}": unexpected commit digest ${A}, expected ${E}: failed precondition`;
    const cli = join(process.cwd(), "bin", "digestguard.js");
    const runs: Array<{ ms: number; exitCode: number }> = [];
    for (let run = 0; run < RUNS; run += 1) {
      runs.push(
        await timeCommand("sh", [
          "-c",
          `cd '${dir}' && exec '${process.execPath}' '${cli}' diagnose --no-cache "$0"`,
          text,
        ]),
      );
    }
    return { ms: median(runs.map((r) => r.ms)), exitCode: runs[0]?.exitCode ?? -1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const parse = await parseFigure();
const offline = await offlineFigure();
await writeFigures("diagnose", {
  parse10MbLog: { bytes: parse.bytes, medianMs: Math.round(parse.ms), target: "≤ 1000 ms" },
  offlineSixImages: { medianMs: Math.round(offline.ms), exitCode: offline.exitCode, target: "≤ 5000 ms, exit 5" },
});
