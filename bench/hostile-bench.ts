// Every hostile-registry scenario of the test suite, run once more to write
// its figures: credentials that reached the foreign origin, whether the
// command hung (killed at the bound), peak RSS, wall time, exit code and
// whether the outcome is the one the scenario demands.
import { randomBytes } from "node:crypto";
import { handmadeImage, handmadeLayer } from "../test/support/handmade-image.js";
import { startHostileRegistry } from "../test/support/hostile-registry.js";
import { HANG_LIMIT_MS, HOSTILE_SCENARIOS } from "../test/support/hostile-scenarios.js";
import { runCliBounded } from "../test/support/run-cli-bounded.js";
import { harnessTls } from "../test/support/tls.js";
import { writeFigures } from "./measure.js";

const image = handmadeImage([await handmadeLayer([{ path: "data.bin", content: randomBytes(256 << 10) }], "gzip")]);
const caFile = (await harnessTls()).caCertFile;
const rows = [];
for (const scenario of HOSTILE_SCENARIOS) {
  const hostile = await startHostileRegistry({
    behaviour: scenario.behaviour,
    image,
    tls: scenario.tls,
    foreignChallenge: scenario.foreignChallenge,
  });
  try {
    const flags = [
      "--creds",
      `${hostile.username}:${hostile.password}`,
      ...(scenario.tls === true ? ["--ca-file", caFile] : []),
    ];
    const [command, ...rest] = scenario.args(hostile);
    const run = await runCliBounded([command as string, ...flags, ...rest], { limitMs: HANG_LIMIT_MS });
    let outcomeAsDemanded = true;
    try {
      scenario.check(run, hostile);
    } catch {
      outcomeAsDemanded = false;
    }
    rows.push({
      scenario: scenario.name,
      credentialsLeaked: hostile.foreign.authorizationCount(),
      hung: run.hung,
      peakRssMiB: Math.round((run.maxRssBytes ?? 0) / 2 ** 20),
      ms: Math.round(run.elapsedMs),
      exitCode: run.exitCode,
      outcomeAsDemanded,
    });
  } finally {
    await hostile.stop();
  }
}
await writeFigures("hostile", {
  scenarios: rows.length,
  credentialsLeaked: rows.reduce((sum, r) => sum + r.credentialsLeaked, 0),
  hung: rows.filter((r) => r.hung).length,
  maxPeakRssMiB: Math.max(...rows.map((r) => r.peakRssMiB)),
  rows,
});
