import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, lstat, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { makeProject, stripPins } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// What pin promises about the files it touches: a file with a reference that
// cannot be resolved is left alone while the others are pinned; symlinks,
// modes and line endings survive; nothing is written outside the given paths.

describe("pin leaves files safe", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let images: FixtureImages;
  const H = () => registry.host;
  const app = () => `${H()}/team/app:1`;
  const pinnedApp = () => `${app()}@${images.ociIndex.root.digest}`;
  const cleanups: (() => Promise<void>)[] = [];
  const project = async (files: Record<string, string>) => {
    const p = await makeProject("pin-safety", files);
    cleanups.push(p.cleanup);
    return p;
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    images = await buildFixtureImages("pin-safety");
    await pushImage(registry, "team/app", images.ociIndex, ["1"]);
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    await registry?.stop();
  });

  test("a file with an unresolvable reference is left untouched; the other files are pinned; exit 1", async () => {
    const p = await project({
      "a/Dockerfile": `FROM ${app()}\n`,
      "b/Dockerfile": `FROM ${app()} AS ok\nFROM ${H()}/team/nothing:1\n`,
      "compose.yaml": `services:\n  app:\n    image: ${app()}\n`,
    });
    const original = await p.snapshot();
    const dry = await runCli(["pin", "--dry-run", "a", "b", "compose.yaml"], { cwd: p.dir });
    assert.equal(dry.exitCode, 1, dry.stderr);
    assert.deepEqual(await p.snapshot(), original, "--dry-run writes nothing, not even the lockfile");
    const res = await runCli(["pin", "a", "b", "compose.yaml"], { cwd: p.dir });
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(
      res.stdout.toString(),
      new RegExp(
        `^b/Dockerfile:2  ${H()}/team/nothing:1  NOT PINNED: cannot resolve: .*the file was left unchanged$`,
        "m",
      ),
    );
    assert.equal(await p.read("b/Dockerfile"), original.get("b/Dockerfile")?.toString());
    assert.equal(await p.read("a/Dockerfile"), `FROM ${pinnedApp()}\n`);
    assert.equal(await p.read("compose.yaml"), `services:\n  app:\n    image: ${pinnedApp()}\n`);
    const lock = await p.lock();
    assert.deepEqual(
      lock.images.map((i) => i.reference),
      [app()],
      "the unresolvable reference has no entry",
    );
    const check = await runCli(["pin", "--check", "a", "b", "compose.yaml"], { cwd: p.dir });
    assert.equal(check.exitCode, 1);
    assert.match(check.stdout.toString(), /^b\/Dockerfile:1: error \[unpinned\]/m);
    assert.match(check.stdout.toString(), /^b\/Dockerfile:2: error \[unpinned\]/m);
  });

  test("a symlinked Dockerfile stays a symlink and its target is rewritten; a 0640 mode is kept", async () => {
    const p = await project({ "templates/base.txt": `FROM ${app()}\n`, "web/Dockerfile": `FROM ${app()}\n` });
    await symlink("templates/base.txt", p.path("Dockerfile"));
    await chmod(p.path("web/Dockerfile"), 0o640);
    const res = await runCli(["pin", "."], { cwd: p.dir });
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    assert.ok((await lstat(p.path("Dockerfile"))).isSymbolicLink());
    assert.equal(await readlink(p.path("Dockerfile")), "templates/base.txt");
    assert.equal(await p.read("templates/base.txt"), `FROM ${pinnedApp()}\n`);
    assert.equal(await p.read("web/Dockerfile"), `FROM ${pinnedApp()}\n`);
    assert.equal((await stat(p.path("web/Dockerfile"))).mode & 0o777, 0o640);
  });

  test("a symlink that leads outside the given paths is refused: exit 2, nothing written", async () => {
    const outside = await mkdtemp(join(tmpdir(), "dg-pin-outside-"));
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    await writeFile(join(outside, "Dockerfile"), `FROM ${app()}\n`);
    const p = await project({ "web/Dockerfile": `FROM ${app()}\n` });
    await symlink(join(outside, "Dockerfile"), p.path("Dockerfile"));
    const original = await p.snapshot();
    const res = await runCli(["pin", "."], { cwd: p.dir });
    assert.equal(res.exitCode, 2, res.stderr + res.stdout.toString());
    assert.match(res.stderr, /Cannot rewrite Dockerfile: it resolves to .*outside the paths given/);
    assert.equal(await readFile(join(outside, "Dockerfile"), "utf8"), `FROM ${app()}\n`);
    assert.deepEqual(await p.snapshot(), original, "no file changed and no lockfile written");
  });

  test("pinning one folder keeps the lockfile entries of images found only elsewhere", async () => {
    await pushImage(registry, "team/tool", images.dockerSingle, ["2"]);
    const p = await project({
      "a/Dockerfile": `FROM ${app()}\n`,
      "b/Dockerfile": `FROM ${H()}/team/tool:2\nFROM ${app()}\n`,
    });
    assert.equal((await runCli(["pin"], { cwd: p.dir })).exitCode, 0);
    const whole = await p.lock();
    const res = await runCli(["pin", "./a"], { cwd: p.dir });
    assert.equal(res.exitCode, 0, res.stderr);
    assert.deepEqual(await p.lock(), whole);
    assert.equal((await runCli(["pin", "--check"], { cwd: p.dir })).exitCode, 0);
  });

  test("a CRLF Dockerfile stays CRLF", async () => {
    const text = `# syntax is not set here\r\nFROM ${app()} AS base\r\nRUN echo one \\\r\n    two\r\nFROM base\r\n`;
    const p = await project({ Dockerfile: text });
    const res = await runCli(["pin"], { cwd: p.dir });
    assert.equal(res.exitCode, 0, res.stderr);
    const pinned = await p.read("Dockerfile");
    assert.equal(stripPins(pinned), text);
    assert.ok(pinned.includes(`FROM ${pinnedApp()} AS base\r\n`));
    assert.doesNotMatch(pinned, /[^\r]\n/);
  });
});
