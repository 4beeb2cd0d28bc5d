// `digestguard --help` wall time against `node -e 0`, interleaved runs, medians.
import { median, timeCommand, writeFigures, assertOk } from "./measure.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 21);
const help: number[] = [];
const bare: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const b = await timeCommand(process.execPath, ["-e", "0"]);
  const h = await timeCommand(process.execPath, ["bin/digestguard.js", "--help"]);
  assertOk(h, "digestguard --help");
  bare.push(b.ms);
  help.push(h.ms);
}
const ratio = median(help) / median(bare);
await writeFigures("startup", {
  runs: RUNS,
  medianHelpMs: Number(median(help).toFixed(1)),
  medianNodeMs: Number(median(bare).toFixed(1)),
  ratio: Number(ratio.toFixed(2)),
  target: "≤ 2.5",
  met: ratio <= 2.5,
});
