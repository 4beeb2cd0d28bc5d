import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// `pin --mirror HOST/PREFIX` moves pins to the mirror's copy of each image —
// only where the mirror holds the very digest. "app" was mirrored; "tool" was
// not, and the mirror's tag of the same name points at another image.

describe("pin --mirror HOST/PREFIX moves pins to the mirror's copies", { skip: registrySkipReason() }, () => {
  let source: RunningRegistry;
  let mirror: RunningRegistry;
  let images: FixtureImages;
  let project: PinProject;
  const appDigest = () => images.ociSingle.root.digest;
  const toolDigest = () => images.dockerList.root.digest;

  before(async () => {
    [source, mirror] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    images = await buildFixtureImages("pin-to-mirror");
    await pushImage(source, "app", images.ociSingle, ["1.0"]);
    await pushImage(source, "tool", images.dockerList, ["2.0"]);
    await pushImage(mirror, "backup/app", images.ociSingle, ["1.0"]);
    await pushImage(mirror, "backup/tool", images.ociSingle, ["2.0"]);
    project = await makeProject("pin-to-mirror", {
      Dockerfile: `FROM ${source.host}/app:1.0@${appDigest()} AS base\nFROM ${source.host}/tool:2.0\n`,
    });
  });
  after(async () => {
    await project?.cleanup();
    await Promise.all([source?.stop(), mirror?.stop()]);
  });

  test("a mirrored digest moves to the mirror; a missing one stays and is reported", async () => {
    const res = await runCli(["pin", "--mirror", `${mirror.host}/backup`], { cwd: project.dir });
    const out = res.stdout.toString();
    assert.equal(res.exitCode, 1, res.stderr + out);
    assert.equal(
      await project.read("Dockerfile"),
      `FROM ${mirror.host}/backup/app:1.0@${appDigest()} AS base\nFROM ${source.host}/tool:2.0@${toolDigest()}\n`,
    );
    assert.match(out, /backup\/tool:2\.0@sha256:[0-9a-f]{64} is not in the mirror; run dg mirror\/sync first/);
    const log = await mirror.requestLog();
    assert.ok(log.some((r) => r.method === "HEAD" && r.uri === `/v2/backup/app/manifests/${appDigest()}`));
    const askedByTag = log.some((r) => r.method !== "PUT" && r.uri === "/v2/backup/tool/manifests/2.0");
    assert.ok(!askedByTag, "the mirror's tag proves nothing: it is asked by digest");
    const lock = await project.lock();
    const app = lock.images.find((entry) => entry.digest === appDigest());
    assert.equal(app?.reference, `${mirror.host}/backup/app:1.0`);
    assert.deepEqual(
      app?.sources.map((s) => s.written),
      [`${mirror.host}/backup/app:1.0@${appDigest()}`],
    );
    assert.ok(!lock.images.some((entry) => entry.reference === `${source.host}/app:1.0`), "the old entry is gone");
    const tool = lock.images.find((entry) => entry.digest === toolDigest());
    assert.equal(tool?.reference, `${source.host}/tool:2.0`);
  });

  test("the moved pins agree with the lockfile afterwards", async () => {
    const check = await runCli(["pin", "--check"], { cwd: project.dir });
    assert.equal(check.exitCode, 0, check.stderr + check.stdout.toString());
    const again = await runCli(["pin"], { cwd: project.dir });
    assert.equal(again.exitCode, 0, again.stderr + again.stdout.toString());
    assert.match(again.stdout.toString(), /Pinned 0 references/);
  });

  test("two mirror targets are a usage error", async () => {
    const res = await runCli(["pin", "--mirror", `${mirror.host}/a`, "--mirror", `${mirror.host}/b`], {
      cwd: project.dir,
    });
    assert.equal(res.exitCode, 2, res.stderr + res.stdout.toString());
  });
});
