import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { makeProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// What pin must never do behind the user's back: change bytes it does not
// own, move a pin without --update, record references of a file it left
// alone, blame the wrong endpoint, lose another run's lockfile entries, or
// replace a symlinked lockfile with a regular file.

describe("pin changes only what it owns and says what it skipped", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let mirror: RunningRegistry;
  let images: FixtureImages;
  const H = () => registry.host;
  const app = () => `${H()}/team/app:1`;
  const cleanups: (() => Promise<void>)[] = [];
  const project = async (files: Record<string, string>) => {
    const p = await makeProject("pin-trust", files);
    cleanups.push(p.cleanup);
    return p;
  };

  before(async () => {
    [registry, mirror] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    images = await buildFixtureImages("pin-trust");
    await pushImage(registry, "team/app", images.ociIndex, ["1"]);
    await pushImage(registry, "team/moved", images.dockerSingle, ["1"]);
    await pushImage(registry, "team/moved", images.ociSingle, ["1"]);
    await pushImage(registry, "team/moved", images.dockerList, ["1"]);
    for (const name of ["a", "b", "c", "d"]) await pushImage(registry, `team/${name}`, images.ociSingle, ["1"]);
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    await registry?.stop();
    await mirror?.stop();
  });

  test("a latin-1 byte in a comment survives: only the reference bytes change", async () => {
    const p = await project({});
    const original = Buffer.concat([
      Buffer.from("# Caf"),
      Buffer.from([0xe9]),
      Buffer.from(` \u00fcber\nFROM ${app()}\n`),
    ]);
    await writeFile(p.path("Dockerfile"), original);
    const res = await runCli(["pin"], { cwd: p.dir });
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const expected = Buffer.concat([
      original.subarray(0, original.length - 1),
      Buffer.from(`@${images.ociIndex.root.digest}\n`),
    ]);
    assert.deepEqual(await readFile(p.path("Dockerfile")), expected);
  });

  test("plain pin never moves an existing pin: it says where the tag is now and leaves the files", async () => {
    const ref = `${H()}/team/moved:1`;
    const files = {
      "a/Dockerfile": `FROM ${ref}@${images.dockerSingle.root.digest}\n`,
      "b/Dockerfile": `FROM ${ref}@${images.ociSingle.root.digest}\n`,
    };
    const p = await project(files);
    const res = await runCli(["pin"], { cwd: p.dir });
    const out = res.stdout.toString();
    assert.equal(await p.read("a/Dockerfile"), files["a/Dockerfile"]);
    assert.equal(await p.read("b/Dockerfile"), files["b/Dockerfile"]);
    assert.match(
      out,
      new RegExp(
        `^a/Dockerfile:1  .*NOT PINNED: pinned to ${images.dockerSingle.root.digest}, tag now at ${images.dockerList.root.digest}; run pin --update`,
        "m",
      ),
    );
    assert.equal(res.exitCode, 1, res.stderr + out);
  });

  test("compose image: next to build: is the output name: left alone, said so, the rest pinned", async () => {
    const text = `services:\n  web:\n    build: .\n    image: ${H()}/team/web-output:dev\n  db:\n    image: ${app()}\n`;
    const p = await project({ "compose.yaml": text });
    const res = await runCli(["pin"], { cwd: p.dir });
    const out = res.stdout.toString();
    assert.equal(res.exitCode, 0, res.stderr + out);
    assert.equal(
      await p.read("compose.yaml"),
      text.replace(`image: ${app()}`, `image: ${app()}@${images.ociIndex.root.digest}`),
    );
    assert.match(out, /^compose\.yaml:4  .*web-output:dev  NOT PINNED: .*output of build:/m);
    assert.deepEqual(
      (await p.lock()).images.map((i) => i.reference),
      [app()],
    );
  });

  test("a file left unchanged adds no lock entries; the skip names the mirror's 404, not the origin's network error", async () => {
    const origin = "127.0.0.1:1";
    const p = await project({ "b/Dockerfile": `FROM ${app()} AS ok\nFROM ${origin}/team/nothing:1\n` });
    const res = await runCli(["pin", "--mirror", `${origin}=${mirror.host}/hub`], { cwd: p.dir });
    const out = res.stdout.toString();
    assert.equal(res.exitCode, 1, res.stderr + out);
    assert.match(
      out,
      /^b\/Dockerfile:2  .*NOT PINNED: cannot resolve: .*(MANIFEST_UNKNOWN|not found|unknown to the registry).*/m,
    );
    assert.match(out, new RegExp(mirror.host.replace(/\./g, "\\.")), "the mirror that answered 404 is named");
    assert.equal(await p.read("b/Dockerfile"), `FROM ${app()} AS ok\nFROM ${origin}/team/nothing:1\n`);
    const lock = await p.lock().catch(() => ({ images: [] }));
    assert.deepEqual(
      lock.images.flatMap((i) => i.sources.map((s) => s.file)),
      [],
      "the unchanged file contributes no entries",
    );
  });

  test("a port out of range is one skipped reference, not an internal error", async () => {
    const p = await project({ "a/Dockerfile": "FROM 127.0.0.1:99999/x:1\n", "b/Dockerfile": `FROM ${app()}\n` });
    const res = await runCli(["pin"], { cwd: p.dir });
    const out = res.stdout.toString();
    assert.notEqual(res.exitCode, 70, res.stderr);
    assert.match(out, /^a\/Dockerfile:1  127\.0\.0\.1:99999\/x:1  NOT PINNED: .*port 99999/m);
    assert.equal(await p.read("b/Dockerfile"), `FROM ${app()}@${images.ociIndex.root.digest}\n`);
  });

  test("a symlinked lockfile is written through its target and stays a symlink", async () => {
    const p = await project({ Dockerfile: `FROM ${app()}\n` });
    await mkdir(p.path("locks"));
    await writeFile(p.path("locks/real.lock"), '{\n  "lockfileVersion": 1,\n  "images": []\n}\n');
    await symlink("locks/real.lock", p.path("digestguard.lock"));
    const res = await runCli(["pin"], { cwd: p.dir });
    assert.equal(res.exitCode, 0, res.stderr);
    assert.ok((await lstat(p.path("digestguard.lock"))).isSymbolicLink());
    assert.equal(await readlink(p.path("digestguard.lock")), "locks/real.lock");
    assert.deepEqual(
      (await p.lock("locks/real.lock")).images.map((i) => i.reference),
      [app()],
    );
  });

  test("concurrent pins on disjoint and on equal paths keep every entry", async () => {
    const names = ["a", "b", "c", "d"];
    const p = await project(Object.fromEntries(names.map((n) => [`${n}/Dockerfile`, `FROM ${H()}/team/${n}:1\n`])));
    const disjoint = await Promise.all(names.map((n) => runCli(["pin", n], { cwd: p.dir })));
    for (const res of disjoint) assert.equal(res.exitCode, 0, res.stderr);
    const expected = names.map((n) => `${H()}/team/${n}:1`);
    assert.deepEqual(
      (await p.lock()).images.map((i) => i.reference),
      expected,
    );
    for (const n of names) await p.write(`${n}/Dockerfile`, `FROM ${H()}/team/${n}:1\n`);
    await writeFile(p.path("digestguard.lock"), '{\n  "lockfileVersion": 1,\n  "images": []\n}\n');
    const equal = await Promise.all([1, 2, 3].map(() => runCli(["pin", "."], { cwd: p.dir })));
    for (const res of equal) assert.equal(res.exitCode, 0, res.stderr);
    assert.deepEqual(
      (await p.lock()).images.map((i) => i.reference),
      expected,
    );
    assert.equal((await runCli(["pin", "--check"], { cwd: p.dir })).exitCode, 0);
  });
});
