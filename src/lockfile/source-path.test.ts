import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockSourcePath, sourceFileOnDisk } from "./source-path.js";

describe("lockfile source paths", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-source-path-"));
    await mkdir(join(dir, "locks"));
    await mkdir(join(dir, "svc"));
    await writeFile(join(dir, "svc/Dockerfile"), "FROM a\n");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("records a scanned file relative to the lockfile's folder, whatever folder pin ran in", () => {
    assert.equal(lockSourcePath(dir, join(dir, "svc/Dockerfile")), "svc/Dockerfile");
    assert.equal(lockSourcePath(join(dir, "locks"), join(dir, "svc/Dockerfile")), "../svc/Dockerfile");
  });

  it("finds a source beside the lockfile, or where an older lockfile recorded it: relative to the working folder", () => {
    assert.equal(sourceFileOnDisk(dir, "svc/Dockerfile", "/nonexistent"), join(dir, "svc/Dockerfile"));
    assert.equal(sourceFileOnDisk(join(dir, "locks"), "svc/Dockerfile", dir), join(dir, "svc/Dockerfile"));
    assert.equal(sourceFileOnDisk(join(dir, "locks"), "gone/Dockerfile", dir), undefined);
  });
});
