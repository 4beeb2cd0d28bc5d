// The pin kill test at 20 rounds per signal (SIGTERM and SIGKILL at random
// moments over 200 Dockerfiles): too slow for the suite, run by hand with
// `node dist/bench/pin-kill-bench.js`. Prints the wall time and the outcome.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROUNDS = process.env["DG_PIN_KILL_ROUNDS"] ?? "20";
const test = fileURLToPath(new URL("../test/integration/pin-kill.test.js", import.meta.url));
const started = performance.now();
const run = spawnSync(process.execPath, ["--test", test], {
  env: { ...process.env, DG_PIN_KILL_ROUNDS: ROUNDS },
  encoding: "utf8",
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const summary = run.stdout
  .split("\n")
  .filter((line) => /^# (pass|fail)|^\s*(not )?ok \d/.test(line))
  .join("\n");
process.stdout.write(
  `pin kill test, ${ROUNDS} rounds per signal: ${run.status === 0 ? "passed" : "FAILED"} in ${seconds} s\n${summary}\n`,
);
if (run.status !== 0) {
  process.stdout.write(run.stdout);
  process.exitCode = 1;
}
