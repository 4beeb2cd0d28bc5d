import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { cliFlagsFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { baseImage } from "../support/pin-fixtures.js";
import { countPins, makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// digestguard works the way repository tools do: its files are found from any
// folder of the repository, the repository's ignore rules are respected, and
// the kinds of file a pin scanned stay in the lockfile so every later pin,
// pin --check and check sees the same set.

describe("pin in a repository", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let v1: BuiltImage;
  let v2: BuiltImage;
  const projects: PinProject[] = [];
  const H = () => registry.host;
  const cli = (project: PinProject, args: string[], cwd = project.dir) =>
    runCli([...args, ...cliFlagsFor(registry)], { cwd });
  const repository = async (name: string, files: Record<string, string>): Promise<PinProject> => {
    const project = await makeProject(name, files);
    await mkdir(project.path(".git"));
    projects.push(project);
    return project;
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    [v1, v2] = await Promise.all([baseImage("pin-project"), baseImage("pin-project", { arm64: "rebuilt" })]);
    await pushImage(registry, "team/base", v1, ["1.0"]);
  });
  after(async () => {
    for (const project of projects) await project.cleanup();
    await registry?.stop();
  });

  test("pin --update moves Kubernetes and workflow pins too when the first pin scanned them; check and pin --check agree", async () => {
    const ref = `${H()}/team/kinds:1.0`;
    await pushImage(registry, "team/kinds", v1, ["1.0"]);
    const project = await repository("pin-kinds", {
      Dockerfile: `FROM ${ref}\n`,
      "deploy/app.yaml": `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: ${ref}\n`,
      ".github/workflows/ci.yml": `jobs:\n  a:\n    container: ${ref}\n`,
    });
    const first = await cli(project, ["pin", "--kubernetes", "--workflows"]);
    assert.equal(first.exitCode, 0, first.stderr + first.stdout.toString());
    assert.deepEqual((await project.lock()).kinds, ["compose", "dockerfile", "kubernetes", "workflow"]);
    await pushImage(registry, "team/kinds", v2, ["1.0"]);
    const update = await cli(project, ["pin", "--update", "--image", ref]);
    assert.equal(update.exitCode, 0, update.stderr + update.stdout.toString());
    for (const file of ["Dockerfile", "deploy/app.yaml", ".github/workflows/ci.yml"]) {
      assert.ok((await project.read(file)).includes(`${ref}@${v2.root.digest}`), `${file} moved to the new digest`);
    }
    const pinCheck = await cli(project, ["pin", "--check"]);
    assert.equal(pinCheck.exitCode, 0, pinCheck.stdout.toString());
    const check = await cli(project, ["check", "."]);
    assert.equal(check.exitCode, 0, check.stdout.toString());
  });

  test("pin in a subfolder updates the repository's lockfile, with sources relative to it, and check runs from anywhere", async () => {
    const ref = `${H()}/team/base:1.0`;
    const project = await repository("pin-discovery", {
      Dockerfile: `FROM ${ref}\n`,
      "svc/api/Dockerfile": `FROM ${ref}\n`,
    });
    assert.equal((await cli(project, ["pin", "Dockerfile"])).exitCode, 0);
    const sub = await cli(project, ["pin"], project.path("svc"));
    assert.equal(sub.exitCode, 0, sub.stderr + sub.stdout.toString());
    assert.equal(existsSync(project.path("svc/digestguard.lock")), false, "no second lockfile");
    const lock = await project.lock();
    assert.deepEqual(
      lock.images[0]?.sources.map((s) => s.file),
      ["Dockerfile", "svc/api/Dockerfile"],
    );
    assert.equal(countPins(await project.read("svc/api/Dockerfile")), 1);
    const check = await cli(project, ["check"], project.path("svc/api"));
    assert.equal(check.exitCode, 0, check.stdout.toString());
    const explicit = await cli(project, ["pin", "--lockfile", "own.lock"], project.path("svc"));
    assert.equal(explicit.exitCode, 0, explicit.stderr);
    assert.ok(existsSync(project.path("svc/own.lock")), "--lockfile still wins");
  });

  test("ignored files and lines are left as they are: .gitignore, .digestguardignore, --exclude and the inline comment", async () => {
    const ref = `${H()}/team/base:1.0`;
    const project = await repository("pin-ignore", {
      ".gitignore": "/build/\n*.generated.Dockerfile\n",
      Dockerfile: `FROM ${ref}\n# digestguard: ignore\nFROM ${ref}\nFROM ${ref} # digestguard: ignore\n`,
      "compose.yaml": `services:\n  a:\n    image: ${ref} # digestguard: ignore\n  b:\n    image: ${ref}\n`,
      "build/Dockerfile": `FROM ${ref}\n`,
      "svc/app.generated.Dockerfile": `FROM ${ref}\n`,
      "svc/testdata/.gitignore": "*\n!.gitignore\n",
      "svc/testdata/Dockerfile": `FROM ${ref}\n`,
      "third_party/.digestguardignore": "Dockerfile.*\n",
      "third_party/Dockerfile.old": `FROM ${ref}\n`,
      "third_party/Dockerfile": `FROM ${ref}\n`,
      "vendor/x/Dockerfile": `FROM ${ref}\n`,
    });
    const before = await project.snapshot();
    const res = await cli(project, ["pin", "--exclude", "vendor/**"], project.path("svc/.."));
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const after = await project.snapshot();
    const changed = [...after.keys()]
      .filter((file) => file !== "digestguard.lock" && !after.get(file)?.equals(before.get(file) ?? Buffer.alloc(0)))
      .sort();
    assert.deepEqual(changed, ["Dockerfile", "compose.yaml", "third_party/Dockerfile"]);
    assert.equal(countPins(await project.read("Dockerfile")), 1);
    assert.equal(countPins(await project.read("compose.yaml")), 1);
    const check = await cli(project, ["pin", "--check", "--exclude", "vendor/**"]);
    assert.equal(check.exitCode, 0, check.stdout.toString());
  });
});
