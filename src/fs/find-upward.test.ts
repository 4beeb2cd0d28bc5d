import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findUpward } from "./find-upward.js";

describe("findUpward", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-find-upward-"));
    await mkdir(join(dir, "outer/repo/.git"), { recursive: true });
    await mkdir(join(dir, "outer/repo/svc/api"), { recursive: true });
    await writeFile(join(dir, "outer/marker"), "");
    await writeFile(join(dir, "outer/repo/marker"), "");
    await writeFile(join(dir, "outer/repo/svc/nested"), "");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("finds the nearest file above the working folder", async () => {
    assert.deepEqual(await findUpward("nested", { cwd: join(dir, "outer/repo/svc/api") }), {
      found: join(dir, "outer/repo/svc/nested"),
    });
    assert.deepEqual(await findUpward("marker", { cwd: join(dir, "outer/repo/svc/api") }), {
      found: join(dir, "outer/repo/marker"),
      repositoryRoot: join(dir, "outer/repo"),
    });
  });

  it("stops at the repository root: a file outside the repository is not taken", async () => {
    assert.deepEqual(await findUpward("absent", { cwd: join(dir, "outer/repo/svc") }), {
      repositoryRoot: join(dir, "outer/repo"),
    });
    await rm(join(dir, "outer/repo/marker"));
    assert.deepEqual(await findUpward("marker", { cwd: join(dir, "outer/repo/svc") }), {
      repositoryRoot: join(dir, "outer/repo"),
    });
  });

  it("outside any repository, walks to the filesystem root", async () => {
    assert.deepEqual(await findUpward("marker", { cwd: join(dir, "outer") }), { found: join(dir, "outer/marker") });
    assert.deepEqual(await findUpward(`absent-${process.pid}-${Date.now()}`, { cwd: dir }), {});
  });
});
