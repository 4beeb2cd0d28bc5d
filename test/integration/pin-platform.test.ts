import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import type { CheckReport } from "../../src/check/run-check.js";
import { cliFlagsFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { baseImage, expectedPlatforms, platformDigest } from "../support/pin-fixtures.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// `pin --platform` pins one platform's manifest, never the index and never
// silently amd64; check then follows that platform only.

describe("pin --platform", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  let base: BuiltImage;
  const cli = (args: string[]) => runCli([...args, ...cliFlagsFor(registry)], { cwd: project.dir });
  const source = () => `FROM ${registry.host}/team/base:1.0\nRUN true\n`;

  before(async () => {
    registry = await startRegistry({ mode: "tls" });
    base = await baseImage("pin-platform");
    await pushImage(registry, "team/base", base, ["1.0"]);
    project = await makeProject("pin-platform", { Dockerfile: source() });
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
  });

  test("pins the linux/arm64 manifest and locks that platform alone", async () => {
    const res = await cli(["pin", "--platform", "linux/arm64"]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const arm64 = platformDigest(base, "linux/arm64/v8");
    assert.notEqual(arm64, base.root.digest);
    assert.equal(await project.read("Dockerfile"), `FROM ${registry.host}/team/base:1.0@${arm64}\nRUN true\n`);
    const [entry, ...rest] = (await project.lock()).images;
    assert.deepEqual(rest, []);
    assert.equal(entry?.digest, arm64);
    assert.equal(entry?.platform, "linux/arm64/v8");
    assert.equal(entry?.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.deepEqual(
      entry?.platforms,
      expectedPlatforms(base).filter((p) => p.platform === "linux/arm64/v8"),
    );
    assert.equal((await cli(["pin", "--check"])).exitCode, 0);
    assert.equal((await cli(["check"])).exitCode, 0);
  });

  test("a platform the index lacks is reported and the file left as it was", async () => {
    const other = await makeProject("pin-platform-none", { Dockerfile: source() });
    try {
      const res = await runCli(["pin", "--platform", "linux/s390x", ...cliFlagsFor(registry)], { cwd: other.dir });
      assert.equal(res.exitCode, 1, res.stderr + res.stdout.toString());
      assert.match(
        res.stdout.toString(),
        /^Dockerfile:1 .* NOT PINNED: cannot resolve: .*s390x.*; the file was left unchanged$/m,
      );
      assert.equal(await other.read("Dockerfile"), source());
    } finally {
      await other.cleanup();
    }
  });

  test("upstream appending a platform is no drift for a platform pin; rebuilding it is", async () => {
    await pushImage(registry, "team/base", await baseImage("pin-platform", { appendArmV7: true }), ["1.0"]);
    const same = await cli(["check", "--format", "json"]);
    assert.equal(same.exitCode, 0);
    assert.deepEqual(
      (JSON.parse(same.stdout.toString()) as CheckReport).images.map((i) => i.status),
      ["ok"],
    );
    const rebuilt = await baseImage("pin-platform", { arm64: "v2" });
    await pushImage(registry, "team/base", rebuilt, ["1.0"]);
    const moved = await cli(["check", "--format", "json"]);
    const [image] = (JSON.parse(moved.stdout.toString()) as CheckReport).images;
    assert.equal(image?.status, "drift");
    assert.equal(image?.currentDigest, platformDigest(rebuilt, "linux/arm64/v8"));
    assert.equal((await cli(["check", "--strict"])).exitCode, 1);
  });
});
