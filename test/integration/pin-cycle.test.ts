import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import type { CheckReport } from "../../src/check/run-check.js";
import { cliFlagsFor } from "../support/client-for.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { baseImage, expectedPlatforms } from "../support/pin-fixtures.js";
import { countPins, makeProject, stripPins, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// The whole cycle against the real registry in token mode: pin, pin again,
// pin --check, an upstream change seen by check, pin --update moving one pin.

describe("pin → check → update, end to end", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  let fixtures: FixtureImages;
  let base: BuiltImage;
  let original: Map<string, Buffer>;
  const H = () => registry.host;
  const cli = (args: string[]) => runCli([...args, ...cliFlagsFor(registry)], { cwd: project.dir });

  before(async () => {
    registry = await startRegistry({ mode: "token" });
    [fixtures, base] = await Promise.all([buildFixtureImages("pin-cycle"), baseImage("pin-cycle")]);
    await pushImage(registry, "team/base", base, ["1.0"]);
    await pushImage(registry, "team/tools", fixtures.dockerList, ["2"]);
    await pushImage(registry, "team/db", fixtures.ociSingle, ["15"]);
    await pushImage(registry, "team/other", fixtures.dockerSingle, ["1"]);
    project = await makeProject("pin-cycle", {
      Dockerfile: [
        "# A multi-stage build",
        `ARG BASE=${H()}/team/base:1.0`,
        "FROM ${BASE} AS build",
        "RUN echo building \\",
        "    && echo done",
        `COPY --from=${H()}/team/tools:2 /etc/tools /tools`,
        "",
        "FROM build AS test",
        "RUN true",
        "",
        `FROM ${H()}/team/db:15@${fixtures.ociSingle.root.digest} AS final`,
        "COPY --from=build /tools /tools",
        "",
      ].join("\n"),
      "app/Dockerfile.web": `FROM   ${H()}/team/base:1.0   AS web\nCOPY --from=${H()}/team/other:1 /a /a\n`,
      "compose.yaml": `services:\n  db:\n    image: \${DB_IMAGE:-${H()}/team/db:15}\n  cache:\n    image: ${H()}/team/tools:2   # tools\n`,
    });
    original = await project.snapshot();
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
  });

  test("pin rewrites only the references: removing the pins gives back every file byte for byte", async () => {
    const res = await cli(["pin"]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const now = await project.snapshot();
    for (const [file, bytes] of original)
      assert.equal(stripPins(now.get(file)?.toString() ?? ""), stripPins(bytes.toString()), file);
    const dockerfile = await project.read("Dockerfile");
    assert.equal(countPins(dockerfile), 3);
    assert.ok(
      dockerfile.includes(`\nFROM ${H()}/team/db:15@${fixtures.ociSingle.root.digest} AS final\n`),
      "the pinned reference is kept",
    );
    assert.ok(
      dockerfile.includes(`ARG BASE=${H()}/team/base:1.0@${base.root.digest}\nFROM \${BASE} AS build\n`),
      "pinned through the ARG default",
    );
    assert.ok(dockerfile.includes(`COPY --from=${H()}/team/tools:2@${fixtures.dockerList.root.digest} /etc/tools`));
    assert.equal(
      await project.read("app/Dockerfile.web"),
      `FROM   ${H()}/team/base:1.0@${base.root.digest}   AS web\nCOPY --from=${H()}/team/other:1@${fixtures.dockerSingle.root.digest} /a /a\n`,
    );
    assert.ok(
      (await project.read("compose.yaml")).includes(
        `image: \${DB_IMAGE:-${H()}/team/db:15@${fixtures.ociSingle.root.digest}}\n`,
      ),
    );
    assert.match(
      res.stdout.toString(),
      /Pinned 6 references in 3 files \(1 already pinned, 0 not pinnable\); 3 tag resolutions/,
    );
  });

  test("the lockfile holds the whole digest tree, per platform, as the fixtures have it", async () => {
    const lock = await project.lock();
    assert.deepEqual(
      lock.images.map((i) => i.reference),
      ["base:1.0", "db:15", "other:1", "tools:2"].map((r) => `${H()}/team/${r}`),
    );
    const [baseEntry, db, other, tools] = lock.images;
    assert.equal(baseEntry?.digest, base.root.digest);
    assert.equal(baseEntry?.tag, "1.0");
    assert.equal(baseEntry?.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.equal(baseEntry?.resolvedFrom, H());
    assert.deepEqual(baseEntry?.platforms, expectedPlatforms(base));
    assert.deepEqual(baseEntry?.sources, [
      { file: "Dockerfile", line: 3, written: "${BASE}" },
      { file: "app/Dockerfile.web", line: 1, written: `${H()}/team/base:1.0@${base.root.digest}` },
    ]);
    assert.deepEqual(tools?.platforms, expectedPlatforms(fixtures.dockerList));
    assert.equal(tools?.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
    assert.deepEqual(db?.platforms, expectedPlatforms(fixtures.ociSingle));
    assert.equal(db?.digest, fixtures.ociSingle.root.digest);
    assert.deepEqual(
      db?.sources.map((s) => `${s.file}:${s.line}`),
      ["Dockerfile:11", "compose.yaml:3"],
    );
    assert.deepEqual(other?.platforms, expectedPlatforms(fixtures.dockerSingle));
    for (const entry of lock.images) assert.ok(!Number.isNaN(Date.parse(entry.resolvedAt)));
  });

  test("pin again changes nothing and asks the registry nothing", async () => {
    const before = await project.snapshot();
    const logBefore = (await registry.requestLog()).length;
    const res = await cli(["pin"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.deepEqual(await project.snapshot(), before);
    assert.match(
      res.stdout.toString(),
      /Pinned 0 references in 0 files \(7 already pinned, 0 not pinnable\); 0 tag resolutions/,
    );
    assert.deepEqual(
      (await registry.requestLog()).slice(logBefore).filter((r) => r.uri.includes("/manifests/")),
      [],
    );
  });

  test("pin --check passes, then names file:line of a hand-unpinned and a hand-changed reference", async () => {
    assert.equal((await cli(["pin", "--check"])).exitCode, 0);
    const pinned = await project.read("app/Dockerfile.web");
    const otherDigest = fixtures.ociIndex.root.digest;
    await project.write(
      "app/Dockerfile.web",
      stripPins(pinned.split("\n")[0] as string) +
        "\n" +
        (pinned.split("\n")[1] as string).replace(/@sha256:\w+/, `@${otherDigest}`) +
        "\n",
    );
    const res = await cli(["pin", "--check"]);
    assert.equal(res.exitCode, 1, res.stderr);
    const out = res.stdout.toString();
    assert.match(
      out,
      new RegExp(
        `^app/Dockerfile.web:1: error \\[unpinned\\] .*team/base:1.0 is not pinned by digest.* to ${base.root.digest}`,
        "m",
      ),
    );
    assert.match(
      out,
      new RegExp(
        `^app/Dockerfile.web:2: error \\[differs-from-lock\\] .*pinned to ${otherDigest}, but digestguard.lock has ${fixtures.dockerSingle.root.digest}`,
        "m",
      ),
    );
    assert.match(out, /2 errors, 0 warnings/);
    await project.write("app/Dockerfile.web", pinned);
    assert.equal((await cli(["pin", "--check"])).exitCode, 0);
  });

  test("an upstream rebuild of one platform is drift: named platforms, warning, exit 0 (1 with --strict)", async () => {
    await pushImage(registry, "team/base", await baseImage("pin-cycle", { arm64: "v2" }), ["1.0"]);
    const res = await cli(["check"]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const out = res.stdout.toString();
    assert.match(
      out,
      /^Dockerfile:3: warning \[drift\] .*team\/base:1\.0 now points to sha256:\w+; .*changed: linux\/arm64\/v8\./m,
    );
    assert.doesNotMatch(out, /changed: [^.;]*amd64/);
    assert.match(out, /check: 4 images — 3 ok, 1 drifted, 0 missing/);
    assert.equal((await cli(["check", "--strict"])).exitCode, 1);
    const json = JSON.parse((await cli(["check", "--format", "json"])).stdout.toString()) as CheckReport;
    assert.deepEqual(
      json.images.map((i) => i.status),
      ["drift", "ok", "ok", "ok"],
    );
  });

  test("pin --update --image moves only that pin and says what changed inside", async () => {
    const v2 = await baseImage("pin-cycle", { arm64: "v2" });
    const lockBefore = await project.lock();
    const res = await cli(["pin", "--update", "--image", "team/base:*"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const out = res.stdout.toString();
    assert.ok(
      out.includes(
        `update ${H()}/team/base:1.0: ${base.root.digest} → ${v2.root.digest}\n    linux/arm64/v8: config and 1 of 2 layers changed\n`,
      ),
      out,
    );
    assert.doesNotMatch(out, /linux\/amd64:/);
    const lock = await project.lock();
    assert.deepEqual(lock.images.slice(1), lockBefore.images.slice(1), "other images untouched");
    assert.equal(lock.images[0]?.digest, v2.root.digest);
    assert.deepEqual(lock.images[0]?.platforms, expectedPlatforms(v2));
    const now = await project.snapshot();
    for (const [file, bytes] of original)
      assert.equal(stripPins(now.get(file)?.toString() ?? ""), stripPins(bytes.toString()), file);
    assert.equal(
      countPins((await project.read("Dockerfile")).replaceAll(v2.root.digest, "")),
      2,
      "tools and db keep their pins",
    );
    assert.ok((await project.read("app/Dockerfile.web")).includes(`base:1.0@${v2.root.digest}`));
    const check = await cli(["check"]);
    assert.equal(check.exitCode, 0);
    assert.match(check.stdout.toString(), /4 ok, 0 drifted.*0 errors, 0 warnings/);
  });

  test("a platform appended upstream: same content, only the index changed", async () => {
    const v3 = await baseImage("pin-cycle", { arm64: "v2", appendArmV7: true });
    await pushImage(registry, "team/base", v3, ["1.0"]);
    const check = await cli(["check"]);
    assert.equal(check.exitCode, 0);
    assert.match(check.stdout.toString(), /warning \[drift\] .*no pinned platform changed; added: linux\/arm\/v7\./);
    const res = await cli(["pin", "--update", "--image", "team/base:*"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const out = res.stdout.toString();
    assert.match(out, /^update .*team\/base:1\.0: sha256:\w+ → sha256:\w+$/m);
    assert.match(out, /^ {4}linux\/arm\/v7: added$/m);
    assert.match(out, /^ {4}same content for every platform already pinned, only the index changed$/m);
    assert.equal((await project.lock()).images[0]?.digest, v3.root.digest);
  });
});
