import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CheckReport } from "../../src/check/run-check.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { baseImage } from "../support/pin-fixtures.js";
import { makeProject, stripPins, type PinProject } from "../support/pin-project.js";
import { deleteManifest } from "../support/registry-admin.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { elementsNamed, parseXml } from "../support/xml-check.js";

// One project with a finding of every kind — missing (error), drift
// (warning), cannot-pin (warning), unpinned (error) — rendered by the real
// CLI in each CI format and read back structurally.

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
    }[];
  }[];
}

describe("check --format json|sarif|junit|github", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  let fixtures: FixtureImages;
  const ODD = "odd,name%.Dockerfile";
  const check = async (format: string) => {
    const res = await runCli(["check", "--format", format], { cwd: project.dir });
    assert.equal(res.exitCode, 1, `${format}: ${res.stderr}`);
    return res.stdout.toString();
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    fixtures = await buildFixtureImages("check-formats");
    await pushImage(registry, "team/app", fixtures.ociIndex, ["1"]);
    await pushImage(registry, "team/gone", fixtures.ociSingle, ["1"]);
    await pushImage(registry, "team/moving", await baseImage("check-formats"), ["1"]);
    const h = registry.host;
    project = await makeProject("check-formats", {
      Dockerfile: `ARG V\nFROM ${h}/team/app:\${V} AS fromvar\nFROM ${h}/team/app:1 AS a\nFROM ${h}/team/gone:1 AS b\nFROM ${h}/team/moving:1\n`,
      [ODD]: `FROM ${h}/team/app:1\n`,
    });
    const pinned = await runCli(["pin"], { cwd: project.dir });
    assert.equal(pinned.exitCode, 0, pinned.stderr + pinned.stdout.toString());
    await project.write(ODD, stripPins(await project.read(ODD)));
    await deleteManifest(registry, "team/gone", fixtures.ociSingle.root.digest);
    await pushImage(registry, "team/moving", await baseImage("check-formats", { arm64: "v2" }), ["1"]);
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
  });

  test("json: one finding of each kind, counted in the summary", async () => {
    const report = JSON.parse(await check("json")) as CheckReport;
    assert.deepEqual(report.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.rule}`).sort(), [
      "Dockerfile:2 warning cannot-pin",
      "Dockerfile:4 error missing",
      "Dockerfile:5 warning drift",
      `${ODD}:1 error unpinned`,
    ]);
    assert.deepEqual(report.summary, {
      images: 3,
      ok: 1,
      drift: 1,
      missing: 1,
      contentMismatch: 0,
      couldNotCheck: 0,
      fileFindings: 2,
      errors: 2,
      warnings: 2,
    });
  });

  test("sarif: 2.1.0, each result's rule declared and its region on the very line of the reference", async () => {
    const log = JSON.parse(await check("sarif")) as SarifLog;
    assert.equal(log.version, "2.1.0");
    const [run] = log.runs;
    assert.equal(run?.tool.driver.name, "digestguard");
    const declared = new Set(run?.tool.driver.rules.map((r) => r.id));
    assert.equal(run?.results.length, 4);
    for (const result of run?.results ?? []) {
      assert.ok(declared.has(result.ruleId), result.ruleId);
      assert.ok(["error", "warning", "note"].includes(result.level));
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      const line = (await project.read(artifactLocation.uri)).split("\n")[(region?.startLine ?? 0) - 1] ?? "";
      const expected = {
        missing: "team/gone:1@",
        drift: "team/moving:1@",
        "cannot-pin": "team/app:${V}",
        unpinned: "team/app:1",
      }[result.ruleId];
      assert.ok(expected !== undefined && line.includes(expected), `${result.ruleId} points at "${line}"`);
    }
  });

  test("junit: well-formed, one case per image and per file finding, errors as failures", async () => {
    const root = parseXml(await check("junit"));
    const cases = elementsNamed(root, "testcase");
    const failures = elementsNamed(root, "failure");
    assert.equal(Number(root.attributes.tests), cases.length);
    assert.equal(Number(root.attributes.failures), failures.length);
    assert.equal(cases.filter((c) => c.attributes.classname === "images").length, 3);
    assert.deepEqual(failures.map((f) => f.attributes.type).sort(), ["missing", "unpinned"]);
    assert.ok(cases.some((c) => c.attributes.name === `${ODD}:1 ${registry.host}/team/app:1`));
  });

  test("github: one annotation per finding at file and line, properties escaped, then the summary", async () => {
    const lines = (await check("github")).trimEnd().split("\n");
    assert.equal(lines.length, 5);
    const byRule = new Map(lines.map((line) => [/,title=digestguard ([\w-]+)::/.exec(line)?.[1] ?? "summary", line]));
    assert.match(
      byRule.get("unpinned") ?? "",
      /^::error file=odd%2Cname%25\.Dockerfile,line=1,title=digestguard unpinned::.*team\/app:1 is not pinned/,
    );
    assert.match(byRule.get("missing") ?? "", /^::error file=Dockerfile,line=4,title=digestguard missing::/);
    assert.match(
      byRule.get("drift") ?? "",
      /^::warning file=Dockerfile,line=5,title=digestguard drift::.*changed: linux\/arm64\/v8/,
    );
    assert.match(byRule.get("cannot-pin") ?? "", /^::warning file=Dockerfile,line=2,/);
    assert.match(
      byRule.get("summary") ?? "",
      /^::notice title=digestguard check::check: 3 images — 1 ok, 1 drifted, 1 missing/,
    );
  });
});
