// Every hostile-registry scenario of the test suite, run once more to write
// its figures: credentials that reached the foreign origin, whether the
// command hung (killed at the bound), peak RSS, wall time, exit code and
// whether the outcome is the one the scenario demands.
import { randomBytes } from "node:crypto";
import { handmadeImage, handmadeLayer } from "../test/support/handmade-image.js";
import { HOSTILE_SCENARIOS, runHostileScenario } from "../test/support/hostile-scenarios.js";
import { harnessTls } from "../test/support/tls.js";
import { writeFigures } from "./measure.js";

const image = handmadeImage([await handmadeLayer([{ path: "data.bin", content: randomBytes(256 << 10) }], "gzip")]);
const caFile = (await harnessTls()).caCertFile;
interface Row {
  scenario: string;
  credentialsLeaked: number;
  hung: boolean;
  peakRssMiB: number;
  ms: number;
  exitCode: number;
  outcomeAsDemanded: boolean;
}
const rows: Row[] = [];
for (const scenario of HOSTILE_SCENARIOS) {
  await runHostileScenario(scenario, image, caFile, ({ run, leaked, hostile }) => {
    let outcomeAsDemanded = true;
    try {
      scenario.check(run, hostile);
    } catch {
      outcomeAsDemanded = false;
    }
    rows.push({
      scenario: scenario.name,
      credentialsLeaked: leaked,
      hung: run.hung,
      peakRssMiB: Math.round((run.maxRssBytes ?? 0) / 2 ** 20),
      ms: Math.round(run.elapsedMs),
      exitCode: run.exitCode,
      outcomeAsDemanded,
    });
  });
}
await writeFigures("hostile", {
  scenarios: rows.length,
  credentialsLeaked: rows.reduce((sum, r) => sum + r.credentialsLeaked, 0),
  hung: rows.filter((r) => r.hung).length,
  maxPeakRssMiB: Math.max(...rows.map((r) => r.peakRssMiB)),
  rows,
});
