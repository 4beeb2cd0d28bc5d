import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildah, requireBuildahOrSkip } from "../support/buildah.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// Two loopback registries, an origin and its mirror, named in a registries.conf
// that buildah and digestguard both read: the tool the team already uses and
// digestguard must agree on who serves the image, and say so.

describe("mirrors from registries.conf, as buildah uses them", { skip: registrySkipReason() }, () => {
  let origin: RunningRegistry;
  let mirror: RunningRegistry;
  let images: FixtureImages;
  let dir: string;
  let conf: string;
  let project: PinProject;
  const env = (): NodeJS.ProcessEnv => ({
    CONTAINERS_REGISTRIES_CONF: conf,
    DIGESTGUARD_SYSTEM_ROOT: join(dir, "root"),
    HOME: join(dir, "home"),
  });

  before(async () => {
    [origin, mirror] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    images = await buildFixtureImages("registries-conf");
    await pushImage(origin, "team/app", images.ociSingle, ["1"]);
    await pushImage(mirror, "team/app", images.ociSingle, ["1"]);
    dir = await mkdtemp(join(tmpdir(), "dg-registries-conf-"));
    conf = join(dir, "registries.conf");
    await writeFile(
      conf,
      [
        "[[registry]]",
        `prefix = "${origin.host}"`,
        `location = "${origin.host}"`,
        "insecure = true",
        "[[registry.mirror]]",
        `location = "${mirror.host}"`,
        "insecure = true",
        "",
      ].join("\n"),
    );
    project = await makeProject("registries-conf", { Dockerfile: `FROM ${origin.host}/team/app:1\n` });
  });
  after(async () => {
    await project?.cleanup();
    await Promise.all([origin?.stop(), mirror?.stop()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test("buildah pulls the pinned image from the mirror; dg digest, inspect and verify name the mirror", async (t) => {
    if (!requireBuildahOrSkip(t)) return;
    const pinned = `${origin.host}/team/app@${images.ociSingle.root.digest}`;
    await buildah(["pull", "--tls-verify=false", "--quiet", pinned], {
      storage: join(dir, "buildah"),
      registriesConf: conf,
    });
    assert.ok(
      (await mirror.requestLog()).some((r) => r.uri === `/v2/team/app/manifests/${images.ociSingle.root.digest}`),
      "buildah read the mirror",
    );

    const digest = await runCli(["digest", `${origin.host}/team/app:1`], { env: env() });
    assert.equal(digest.exitCode, 0, digest.stderr);
    assert.match(digest.stdout.toString(), new RegExp(`from mirror ${mirror.host.replace(/\./g, "\\.")}`));
    const json = JSON.parse(
      (await runCli(["digest", "--json", `${origin.host}/team/app:1`], { env: env() })).stdout.toString(),
    ) as { results: { source: string; mirror: boolean }[] };
    assert.deepEqual([json.results[0]?.source, json.results[0]?.mirror], [mirror.host, true]);

    const inspect = await runCli(["inspect", "--json", pinned], { env: env() });
    assert.deepEqual(
      ((r) => [r.source, r.mirror])(JSON.parse(inspect.stdout.toString()) as { source: string; mirror: boolean }),
      [mirror.host, true],
    );
    const verify = await runCli(["verify", pinned], { env: env() });
    assert.equal(verify.exitCode, 0, verify.stderr);
    assert.match(verify.stdout.toString(), new RegExp(`Served by: ${mirror.host.replace(/\./g, "\\.")} \\(mirror\\)`));
  });

  test("check: a tag moved at the origin but not on the mirror is drift plus a mirror-stale warning", async () => {
    assert.equal((await runCli(["pin"], { cwd: project.dir, env: env() })).exitCode, 0);
    await pushImage(origin, "team/app", images.dockerSingle, ["1"]);
    const res = await runCli(["check", "--format", "json"], { cwd: project.dir, env: env() });
    const report = JSON.parse(res.stdout.toString()) as {
      findings: { rule: string; message: string }[];
      images: { source: string; mirror: boolean; origin?: { source: string; digest: string } }[];
      summary: { drift: number };
    };
    assert.equal(report.summary.drift, 1, res.stdout.toString());
    const stale = report.findings.find((f) => f.rule === "mirror-stale");
    assert.ok(stale, res.stdout.toString());
    assert.ok(
      stale.message.includes(
        `mirror stale: origin ${origin.host} has ${images.dockerSingle.root.digest}, mirror ${mirror.host} has ${images.ociSingle.root.digest}`,
      ),
      stale.message,
    );
    assert.deepEqual(
      [report.images[0]?.source, report.images[0]?.mirror, report.images[0]?.origin?.source],
      [mirror.host, true, origin.host],
    );
    const text = await runCli(["check"], { cwd: project.dir, env: env() });
    assert.match(text.stdout.toString(), /warning \[mirror-stale\]/);
    assert.match(text.stdout.toString(), new RegExp(`answered by mirror ${mirror.host.replace(/\./g, "\\.")}; origin`));
  });
});
