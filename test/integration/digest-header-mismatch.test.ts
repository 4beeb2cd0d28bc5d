import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildNoiseIndex, pushImage } from "../support/noise-image.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// A registry whose Docker-Content-Digest contradicts the bytes it serves for
// a tag: every command that reads by tag must call it an integrity failure
// (exit 6, both digests named) instead of trusting either digest.

const REPO = "header/app";
const LIE = `sha256:${"0".repeat(64)}`;
const NO_AUTH = ["--authfile", "/nonexistent/digestguard-test-auth.json"];

describe("a Docker-Content-Digest that contradicts the bytes", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let image: BuiltImage;
  let project: PinProject;
  const lie = () =>
    proxy.setFaults([{ match: { kind: "manifest" }, fault: { type: "lying-digest-header", digest: LIE } }]);
  const cli = (args: string[]) => runCli([...args, ...NO_AUTH], { cwd: project.dir });

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    proxy = await startFaultProxy(registry);
    image = await buildNoiseIndex("header", 2048);
    await pushImage(registry, REPO, image, ["1.0"]);
    project = await makeProject("header-lie", { Dockerfile: `FROM ${proxy.host}/${REPO}:1.0\n` });
  });
  afterEach(() => proxy.clearFaults());
  after(async () => {
    await project?.cleanup();
    await proxy?.stop();
    await registry?.stop();
  });

  const namesBoth = (text: string): void => {
    assert.ok(text.includes(LIE), text);
    assert.ok(text.includes(image.root.digest), text);
  };

  test("inspect: DIGEST_MISMATCH, exit 6, nothing printed as the image", async () => {
    lie();
    const res = await cli(["inspect", `${proxy.host}/${REPO}:1.0`]);
    assert.equal(res.exitCode, 6, res.stderr);
    assert.match(res.stderr, /DIGEST_MISMATCH/);
    namesBoth(res.stderr);
    assert.equal(res.stdout.length, 0);
  });

  test("verify: exit 6, the top manifest failed with both digests", async () => {
    lie();
    const res = await cli(["verify", "--json", `${proxy.host}/${REPO}:1.0`]);
    assert.equal(res.exitCode, 6, res.stderr);
    namesBoth(res.stdout.toString());
  });

  test("pin: the file is left as it was, no lockfile entry, the cause names both digests", async () => {
    lie();
    const before = await project.read("Dockerfile");
    const res = await cli(["pin"]);
    assert.equal(res.exitCode, 6, res.stderr + res.stdout.toString());
    assert.equal(await project.read("Dockerfile"), before);
    namesBoth(res.stdout.toString() + res.stderr);
    const lock = await project.lock().catch(() => undefined);
    assert.equal(lock?.images.length ?? 0, 0);
  });

  test("check: a tag whose HEAD and GET contradict the bytes is an integrity finding, exit 6", async () => {
    const pinned = await cli(["pin"]);
    assert.equal(pinned.exitCode, 0, pinned.stderr + pinned.stdout.toString());
    lie();
    const res = await cli(["check", "--format", "json"]);
    assert.equal(res.exitCode, 6, res.stderr + res.stdout.toString());
    const report = JSON.parse(res.stdout.toString()) as { findings: { rule: string; message: string }[] };
    const finding = report.findings.find((f) => f.rule === "content-mismatch");
    assert.ok(finding !== undefined, res.stdout.toString());
    namesBoth(finding.message);
  });
});
