// Start-up cost of the CLI against its peer `node -e 0`, interleaved runs,
// medians: `digestguard --help`, and `digestguard digest REF` of one
// reference on a plain-HTTP loopback registry (no config file).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildNoiseIndex, pushImage } from "../test/support/noise-image.js";
import { startRegistry } from "../test/support/registry.js";
import { assertOk, median, timeCommand, writeFigures } from "./measure.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 21);
const BIN = resolve("bin/digestguard.js");
const HELP_TARGET = 1.5;
const DIGEST_TARGET = 2.5;

const registry = await startRegistry({ mode: "http" });
// An empty working folder: no digestguard.yaml is found, as on most machines.
const cwd = await mkdtemp(join(tmpdir(), "dg-startup-"));
try {
  const ref = `${registry.host}/bench/startup:1`;
  await pushImage(registry, "bench/startup", await buildNoiseIndex("startup", 1024), ["1"]);
  const { DIGESTGUARD_CONFIG: _ignored, ...inherited } = process.env;
  const env = { ...inherited, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" };
  const times = { node: [] as number[], help: [] as number[], digest: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.node.push((await timeCommand(process.execPath, ["-e", "0"], { cwd })).ms);
    const help = await timeCommand(process.execPath, [BIN, "--help"], { cwd, env });
    assertOk(help, "digestguard --help");
    times.help.push(help.ms);
    const digest = await timeCommand(process.execPath, [BIN, "digest", ref], { cwd, env });
    assertOk(digest, "digestguard digest");
    times.digest.push(digest.ms);
  }
  const [node, help, digest] = [median(times.node), median(times.help), median(times.digest)];
  const helpRatio = help / node;
  const digestRatio = digest / node;
  await writeFigures("startup", {
    runs: RUNS,
    medianNodeMs: Number(node.toFixed(1)),
    medianHelpMs: Number(help.toFixed(1)),
    medianDigestMs: Number(digest.toFixed(1)),
    helpRatio: Number(helpRatio.toFixed(2)),
    digestRatio: Number(digestRatio.toFixed(2)),
    target: `help ≤ ${HELP_TARGET}×, digest ≤ ${DIGEST_TARGET}× node -e 0`,
    met: helpRatio <= HELP_TARGET && digestRatio <= DIGEST_TARGET,
  });
} finally {
  await registry.stop();
  await rm(cwd, { recursive: true, force: true });
}
