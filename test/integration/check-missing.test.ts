import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import type { CheckReport } from "../../src/check/run-check.js";
import { cliFlagsFor } from "../support/client-for.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { baseImage, expectedPlatforms } from "../support/pin-fixtures.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { deleteManifest } from "../support/registry-admin.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// What check reports when the registry no longer holds what was pinned, or
// holds bytes that no longer match, or cannot be asked at all.

describe("check: missing, corrupted, unreachable", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  let fixtures: FixtureImages;
  let rot: BuiltImage;
  const cli = (args: string[], flags = cliFlagsFor(registry)) => runCli([...args, ...flags], { cwd: project.dir });
  const report = async (args: string[]) => {
    const res = await cli([...args, "--format", "json"]);
    return { exitCode: res.exitCode, report: JSON.parse(res.stdout.toString()) as CheckReport };
  };

  before(async () => {
    registry = await startRegistry({ mode: "basic" });
    [fixtures, rot] = await Promise.all([buildFixtureImages("check-missing"), baseImage("check-rot")]);
    await pushImage(registry, "team/keep", fixtures.ociIndex, ["1"]);
    await pushImage(registry, "team/gone", fixtures.ociSingle, ["1"]);
    await pushImage(registry, "team/rot", rot, ["1"]);
    const h = registry.host;
    project = await makeProject("check-missing", {
      Dockerfile: `FROM ${h}/team/keep:1 AS a\nFROM ${h}/team/gone:1 AS b\nFROM ${h}/team/rot:1\n`,
    });
    const pinned = await cli(["pin"]);
    assert.equal(pinned.exitCode, 0, pinned.stderr);
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
  });

  test("a fresh pin checks clean, shallow and deep", async () => {
    const shallow = await cli(["check"]);
    assert.equal(shallow.exitCode, 0, shallow.stderr + shallow.stdout.toString());
    assert.match(
      shallow.stdout.toString(),
      /^check: 3 images — 3 ok, 0 drifted, 0 missing, 0 not verifying, 0 could not be checked; 0 file findings; 0 errors, 0 warnings$/m,
    );
    const deep = await report(["check", "--deep"]);
    assert.equal(deep.exitCode, 0);
    assert.equal(deep.report.deep, true);
    assert.equal(deep.report.summary.ok, 3);
  });

  test("a corrupted layer in the registry's storage: only --deep sees it, as content-mismatch of that image", async () => {
    const layer = expectedPlatforms(rot).find((p) => p.platform === "linux/arm64/v8")?.layers[1]?.digest as string;
    const path = registry.blobDataPath(layer);
    const good = await readFile(path);
    const bad = Buffer.from(good);
    const at = bad.length >> 1;
    bad.writeUInt8(bad.readUInt8(at) ^ 0x01, at);
    await writeFile(path, bad);
    try {
      assert.equal((await cli(["check"])).exitCode, 0, "existence and drift do not read blobs");
      const deep = await cli(["check", "--deep"]);
      assert.equal(deep.exitCode, 1, deep.stderr);
      const out = deep.stdout.toString();
      assert.match(
        out,
        new RegExp(
          `^Dockerfile:3: error \\[content-mismatch\\] .*team/rot:1@${rot.root.digest} does not verify: ${layer} \\(`,
          "m",
        ),
      );
      assert.match(out, /2 ok, 0 drifted, 0 missing, 1 not verifying, 0 could not be checked/);
    } finally {
      await writeFile(path, good);
    }
    assert.equal((await cli(["check", "--deep"])).exitCode, 0);
  });

  test("a pinned manifest deleted from the registry is missing: an error at its line, exit 1", async () => {
    await deleteManifest(registry, "team/gone", fixtures.ociSingle.root.digest);
    const res = await cli(["check"]);
    assert.equal(res.exitCode, 1, res.stderr + res.stdout.toString());
    const out = res.stdout.toString();
    assert.match(
      out,
      new RegExp(
        `^Dockerfile:2: error \\[missing\\] .*team/gone:1@${fixtures.ociSingle.root.digest} no longer exists in the registry`,
        "m",
      ),
    );
    assert.doesNotMatch(out, /could-not-check/);
    const { report: json } = await report(["check"]);
    assert.deepEqual(
      json.images.map((i) => `${i.reference.replace(/^[^/]+\//, "")} ${i.status}`),
      ["team/gone:1 missing", "team/keep:1 ok", "team/rot:1 ok"],
    );
    assert.deepEqual(
      json.findings.map((f) => f.rule),
      ["missing"],
    );
  });

  test("refused credentials: exit 4, could not check — not a finding", async () => {
    const res = await cli(
      ["check"],
      ["--ca-file", registry.caFile as string, "--creds", "tester:wrong", "--authfile", "/nonexistent/auth.json"],
    );
    assert.equal(res.exitCode, 4, res.stderr + res.stdout.toString());
    assert.match(res.stdout.toString(), /error \[could-not-check\] Could not check/);
    assert.doesNotMatch(res.stdout.toString() + res.stderr, /tester:wrong/);
  });

  test("a stopped registry: exit 5 (could not check), distinct from findings", async () => {
    await registry.stop();
    const { exitCode, report: json } = await report(["check"]);
    assert.equal(exitCode, 5);
    assert.equal(json.summary.couldNotCheck, 3);
    assert.ok(
      json.findings.every((f) => f.rule === "could-not-check" && f.severity === "error" && f.exitCode === 5),
      JSON.stringify(json.findings),
    );
    assert.deepEqual(json.findings.map((f) => `${f.file}:${f.line}`).sort(), [
      "Dockerfile:1",
      "Dockerfile:2",
      "Dockerfile:3",
    ]);
  });
});
