import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildImage } from "../../src/imagebuild/image.js";
import { spawnTracked } from "../support/child-reaper.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { jsonLog } from "../support/json-log.js";

// SIGHUP reloads the running service's config: a valid one takes effect at
// the next cycle; an invalid one is refused with a message saying why, and
// the running config goes on.

const tempFolder = tempFolders("watch-reload");
const BIN = join(import.meta.dirname, "../../../bin/digestguard.js");

const config = (images: string[], extra: string[] = [], schedule = "* * * * * *") =>
  [
    "version: 1",
    "watch:",
    "  version: 1",
    `  schedule: "${schedule}"`,
    `  images: [${images.map((i) => `"${i}"`).join(", ")}]`,
    "  lockfile: false",
    "  database: history.sqlite",
    ...extra,
  ].join("\n");

describe("dg watch reloads its config on SIGHUP", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    const image = await buildImage({
      flavour: "oci",
      platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "id", content: "r\n" }]] }],
    });
    await pushImage(registry, "team/r", image, ["1", "2"]);
  });
  after(async () => {
    await registry?.stop();
  });

  it("takes a valid config, refuses an invalid one with a clear message, and keeps the running one", async () => {
    const dir = await tempFolder();
    const file = join(dir, "digestguard.yaml");
    const one = `${registry.host}/team/r:1`;
    const two = `${registry.host}/team/r:2`;
    await writeFile(file, config([one]));
    const watch = spawnTracked(process.execPath, [BIN, "watch", "--log-format", "json"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      const log = jsonLog(watch.child);
      assert.equal((await log.next((e) => e.msg === "cycle done")).checked, 1);

      await writeFile(file, config([one, two]));
      watch.child.kill("SIGHUP");
      assert.equal((await log.next((e) => e.msg === "config reloaded")).targets, 2);
      assert.equal((await log.next((e) => e.msg === "cycle done")).checked, 2, "the reloaded config is in use");

      await writeFile(file, config([one], ["  schedul: hourly"]));
      watch.child.kill("SIGHUP");
      const refused = await log.next((e) => e.msg.startsWith("config reload refused"));
      assert.equal(refused.level, "error");
      assert.equal(refused.msg, "config reload refused; keeping the running config");
      assert.match(String(refused.error), /schedul/, "the message names what is wrong");
      assert.equal((await log.next((e) => e.msg === "cycle done")).checked, 2, "the running config goes on");

      await writeFile(file, config([one], [], "every minute"));
      watch.child.kill("SIGHUP");
      const badCron = await log.next((e) => e.msg.startsWith("config reload refused"));
      assert.match(String(badCron.error), /"every minute" is not a cron pattern/);
      assert.equal((await log.next((e) => e.msg === "cycle done")).checked, 2);

      watch.child.kill("SIGTERM");
      assert.equal(await watch.exited, 0);
      assert.ok(log.entries.every((e) => e.msg !== "config reloaded" || e.targets === 2));
    } finally {
      await watch.kill();
    }
  });
});
