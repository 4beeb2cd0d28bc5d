import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DOCUMENT_SCHEMAS } from "../../src/cli/schemas/output-schemas.js";
import { spawnTracked } from "../support/child-reaper.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const tempFolder = tempFolders("sync-schedule");

// `dg sync --schedule` as the long-lived process it is deployed as: the real
// CLI, a pass every second, stopped by SIGTERM like a service manager does.
describe("dg sync --schedule", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let images: FixtureImages;

  before(async () => {
    [source, target, images] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "http" }),
      buildFixtureImages("sync-schedule"),
    ]);
    await pushImage(source, "library/app", images.ociIndex, ["1.0"]);
  });
  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  test("runs a pass per tick (the flag over the config's yearly schedule), SIGTERM ends it with exit 0", async () => {
    const config = join(await tempFolder(), "digestguard.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "sync:",
        "  version: 1",
        '  schedule: "0 0 1 1 *"',
        `  target: "${target.host}/hub/{repo}"`,
        "  images:",
        `    - source: ${source.host}/library/app`,
        "",
      ].join("\n"),
    );
    const sync = spawnTracked(
      process.execPath,
      [BIN, "sync", "--json", "--schedule", "* * * * * *", "--config", config],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" } },
    );
    try {
      let stdout = "";
      let stderr = "";
      sync.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      sync.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const passes = () => stdout.split("\n").filter(Boolean);
      for (let i = 0; i < 200 && passes().length < 2 && sync.child.exitCode === null; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(passes().length >= 2, `two passes within 10 s; stderr: ${stderr}`);
      sync.child.kill("SIGTERM");
      assert.equal(await sync.exited, 0, stderr);

      const reports = passes().map((line) => JSON.parse(line) as { pass: number; totals: Record<string, number> });
      for (const report of reports) assert.ok(DOCUMENT_SCHEMAS["sync"]?.safeParse(report).success, stdout);
      assert.deepEqual(
        reports.slice(0, 2).map((r) => [r.pass, r.totals["copied"], r.totals["upToDate"], r.totals["bytes"] === 0]),
        [
          [1, 1, 0, false],
          [2, 0, 1, true],
        ],
      );
      const log = stderr
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; schedule?: string });
      assert.equal(log[0]?.schedule, "* * * * * *");
      assert.ok(log.filter((entry) => entry.msg === "pass done").length >= 2);
      assert.equal(log.at(-1)?.msg, "sync stopped");

      const ref = `${target.host}/hub/library/app:1.0`;
      const verify = await runCli(["verify", "--deep", ref]);
      assert.equal(verify.exitCode, 0, verify.stderr + verify.stdout.toString());
      const raw = await skopeo(["inspect", "--raw", `docker://${ref}`], { registry: target });
      assert.equal(raw.exitCode, 0, raw.stderr);
      assert.equal(`sha256:${createHash("sha256").update(raw.stdout).digest("hex")}`, images.ociIndex.root.digest);
    } finally {
      await sync.kill();
    }
  });
});
