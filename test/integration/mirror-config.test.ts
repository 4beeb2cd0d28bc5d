import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildah, requireBuildahOrSkip } from "../support/buildah.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// The registries.conf snippet `dg mirror config` prints is handed to buildah
// as it is: buildah must pull the origin's image from the mirror, under the
// mirror's repository path.

describe("dg mirror config, as buildah reads it", { skip: registrySkipReason() }, () => {
  let origin: RunningRegistry;
  let mirror: RunningRegistry;
  let images: FixtureImages;
  let dir: string;

  before(async () => {
    [origin, mirror] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    images = await buildFixtureImages("mirror-config");
    await pushImage(mirror, "hub/team/app", images.ociSingle, ["1"]);
    dir = await mkdtemp(join(tmpdir(), "dg-mirror-config-"));
  });
  after(async () => {
    await Promise.all([origin?.stop(), mirror?.stop()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test("--for containers: buildah pulls through the mirror's path; the file to write goes to stderr", async (t) => {
    const res = await runCli([
      "mirror",
      "config",
      "--for",
      "containers",
      "--upstream",
      origin.host,
      `http://${mirror.host}/hub`,
    ]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stderr, /registries\.conf\.d/);
    if (!requireBuildahOrSkip(t)) return;
    const conf = join(dir, "registries.conf");
    await writeFile(conf, res.stdout.toString());
    const pinned = `${origin.host}/team/app@${images.ociSingle.root.digest}`;
    await buildah(["pull", "--tls-verify=false", "--quiet", pinned], {
      storage: join(dir, "buildah"),
      registriesConf: conf,
    });
    assert.ok(
      (await mirror.requestLog()).some((r) => r.uri === `/v2/hub/team/app/manifests/${images.ociSingle.root.digest}`),
      "buildah read the mirror",
    );
  });

  test("--for is required, and a bad address exits 2 with the reason", async () => {
    const missing = await runCli(["mirror", "config", mirror.host]);
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /--for/);
    const bad = await runCli(["mirror", "config", "--for", "docker", `${mirror.host}/hub`]);
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.stderr + bad.stdout.toString(), /no repository path/);
  });
});
