import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { buildFixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { expectedPlatforms } from "../support/pin-fixtures.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// The mirror holds a verified copy of "kept", has no copy of "absent", and
// its copy of "rotten" has a damaged layer: --coverage reports each.

describe("check --coverage: every pinned digest is in the mirror and verifies there", {
  skip: registrySkipReason(),
}, () => {
  let upstream: RunningRegistry;
  let mirror: RunningRegistry;
  let project: PinProject;
  const images: Record<"kept" | "absent" | "rotten", BuiltImage> = {} as never;
  const coverage = () => ["check", "--coverage", "--mirror", `${mirror.host}/backup`];

  before(async () => {
    [upstream, mirror] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    images.kept = (await buildFixtureImages("coverage-kept")).ociSingle;
    images.absent = (await buildFixtureImages("coverage-absent")).dockerList;
    images.rotten = (await buildFixtureImages("coverage-rotten")).dockerSingle;
    for (const name of ["kept", "absent", "rotten"] as const)
      await pushImage(upstream, `team/${name}`, images[name], ["1"]);
    await pushImage(mirror, "backup/team/kept", images.kept, ["1"]);
    await pushImage(mirror, "backup/team/rotten", images.rotten, ["1"]);
    const lines = ["kept", "absent", "rotten"].map((name) => `FROM ${upstream.host}/team/${name}:1\n`);
    project = await makeProject("check-coverage", { Dockerfile: lines.join("") });
    const pinned = await runCli(["pin"], { cwd: project.dir });
    assert.equal(pinned.exitCode, 0, pinned.stderr + pinned.stdout.toString());
  });
  after(async () => {
    await project?.cleanup();
    await Promise.all([upstream?.stop(), mirror?.stop()]);
  });

  test("before any damage: only the image the mirror lacks is a finding", async () => {
    const res = await runCli([...coverage(), "--json"], { cwd: project.dir });
    assert.equal(res.exitCode, 1, res.stderr + res.stdout.toString());
    const report = JSON.parse(res.stdout.toString()) as { findings: { rule: string; reference: string }[] };
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.reference]),
      [["not-in-mirror", `${upstream.host}/team/absent:1`]],
    );
  });

  test("a damaged layer in the mirror is mirror-corrupt; without --coverage the mirror is not asked", async () => {
    const layer = expectedPlatforms(images.rotten)[0]?.layers[1]?.digest as string;
    const path = mirror.blobDataPath(layer);
    const bad = Buffer.from(await readFile(path));
    bad.writeUInt8(bad.readUInt8(bad.length >> 1) ^ 0x01, bad.length >> 1);
    await writeFile(path, bad);
    const res = await runCli(coverage(), { cwd: project.dir });
    const out = res.stdout.toString();
    assert.equal(res.exitCode, 1, res.stderr + out);
    assert.match(
      out,
      new RegExp(
        `^Dockerfile:2: error \\[not-in-mirror\\] .*team/absent:1@${images.absent.root.digest} is not in the mirror`,
        "m",
      ),
    );
    assert.match(
      out,
      new RegExp(
        `^Dockerfile:3: error \\[mirror-corrupt\\] .*team/rotten:1@${images.rotten.root.digest} does not verify in the mirror .*${layer}`,
        "m",
      ),
    );
    assert.doesNotMatch(out, /\] .*team\/kept/, "the verified copy is no finding");
    const plain = await runCli(["check"], { cwd: project.dir });
    assert.equal(plain.exitCode, 0, plain.stderr + plain.stdout.toString());
  });

  test("--coverage with no mirror named or configured is a usage error", async () => {
    const res = await runCli(["check", "--coverage"], { cwd: project.dir });
    assert.equal(res.exitCode, 2, res.stderr + res.stdout.toString());
  });
});
