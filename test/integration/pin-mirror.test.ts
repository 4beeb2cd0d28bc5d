import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { expectedPlatforms } from "../support/pin-fixtures.js";
import { makeProject, stripPins, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// Docker Hub names, pinned and checked offline: every read goes to a loopback
// mirror that holds the images under "hub/", as a pull-through cache would.
// The mirror holds every Hub image named here, so nothing falls back to the
// internet.

describe("pin and check Docker Hub names through a loopback mirror", { skip: registrySkipReason() }, () => {
  let mirror: RunningRegistry;
  let project: PinProject;
  let images: FixtureImages;
  const dockerfile = "FROM alpine:3.19 AS build\nCOPY --from=library/busybox:1.36 /bin/busybox /bin/\nFROM build\n";
  const mirrorFlag = () => ["--mirror", `docker.io=${mirror.host}/hub`];

  before(async () => {
    mirror = await startRegistry({ mode: "http" });
    images = await buildFixtureImages("pin-mirror");
    await pushImage(mirror, "hub/library/alpine", images.dockerList, ["3.19"]);
    await pushImage(mirror, "hub/library/busybox", images.ociSingle, ["1.36"]);
    project = await makeProject("pin-mirror", { Dockerfile: dockerfile });
  });
  after(async () => {
    await project?.cleanup();
    await mirror?.stop();
  });

  test("--mirror docker.io=HOST pins alpine:3.19 as written, locked under its Docker Hub name", async () => {
    const res = await runCli(["pin", ...mirrorFlag()], { cwd: project.dir });
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const pinned = await project.read("Dockerfile");
    assert.equal(stripPins(pinned), dockerfile);
    assert.ok(pinned.startsWith(`FROM alpine:3.19@${images.dockerList.root.digest} AS build\n`), pinned);
    assert.ok(pinned.includes(`COPY --from=library/busybox:1.36@${images.ociSingle.root.digest} `));
    const [alpine, busybox] = (await project.lock()).images;
    assert.equal(alpine?.reference, "docker.io/library/alpine:3.19");
    assert.deepEqual(alpine?.platforms, expectedPlatforms(images.dockerList));
    assert.equal(busybox?.reference, "docker.io/library/busybox:1.36");
    assert.match(
      alpine?.resolvedFrom ?? "",
      new RegExp(mirror.host.replace(/\./g, "\\.")),
      "the lockfile says which mirror answered",
    );
    const log = await mirror.requestLog();
    assert.ok(log.some((r) => r.uri === "/v2/hub/library/alpine/manifests/3.19"));
  });

  test("check reads through the same mirror, from --mirror or from digestguard.yaml", async () => {
    const flagged = await runCli(["check", ...mirrorFlag()], { cwd: project.dir });
    assert.equal(flagged.exitCode, 0, flagged.stderr + flagged.stdout.toString());
    assert.match(flagged.stdout.toString(), /check: 2 images — 2 ok/);
    await project.write(
      "digestguard.yaml",
      `version: 1\nregistries:\n  docker.io:\n    mirrors: ["${mirror.host}/hub"]\n`,
    );
    const configured = await runCli(["check", "--format", "json"], { cwd: project.dir });
    assert.equal(configured.exitCode, 0, configured.stderr);
    const before = (await mirror.requestLog()).length;
    assert.equal((await runCli(["check"], { cwd: project.dir })).exitCode, 0);
    const heads = (await mirror.requestLog()).slice(before).filter((r) => r.uri.includes("/manifests/"));
    assert.deepEqual(heads.map((r) => `${r.method} ${r.uri}`).sort(), [
      "HEAD /v2/hub/library/alpine/manifests/3.19",
      "HEAD /v2/hub/library/busybox/manifests/1.36",
    ]);
  });
});
