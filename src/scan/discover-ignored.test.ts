import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { discoverFiles } from "./discover-files.js";

describe("discoverFiles respects the repository's ignore rules", () => {
  let repo = "";
  const put = async (path: string, text = "FROM a\n") => {
    await mkdir(join(repo, path, ".."), { recursive: true });
    await writeFile(join(repo, path), text);
  };
  const found = async (paths: string[], options: { exclude?: string[] } = {}) =>
    (await discoverFiles(paths, options)).map((path) => path.slice(repo.length + 1));

  before(async () => {
    repo = await mkdtemp(join(tmpdir(), "dg-ignored-"));
    await mkdir(join(repo, ".git/info"), { recursive: true });
    await put(".git/info/exclude", "local.Dockerfile\n");
    await put(".gitignore", "build/\n*.gen.Dockerfile\n!keep.gen.Dockerfile\n");
    await put("Dockerfile");
    await put("local.Dockerfile");
    await put("build/Dockerfile");
    await put("a.gen.Dockerfile");
    await put("keep.gen.Dockerfile");
    await put("svc/.gitignore", "/testdata\n");
    await put("svc/testdata/Dockerfile");
    await put("svc/Dockerfile");
    await put("svc/.digestguardignore", "Dockerfile\n!svc-only/Dockerfile\n");
    await put("svc/svc-only/Dockerfile");
    await put("vendor/lib/Dockerfile");
  });
  after(() => rm(repo, { recursive: true, force: true }));

  it("leaves out what .gitignore, nested .gitignores, .git/info/exclude and .digestguardignore ignore, with negation", async () => {
    assert.deepEqual(await found([repo]), [
      "Dockerfile",
      "keep.gen.Dockerfile",
      "svc/svc-only/Dockerfile",
      "vendor/lib/Dockerfile",
    ]);
  });

  it("applies the rules of folders above a subfolder walk, and to files named explicitly", async () => {
    assert.deepEqual(await found([join(repo, "svc")]), ["svc/svc-only/Dockerfile"]);
    assert.deepEqual(
      await found([join(repo, "build/Dockerfile"), join(repo, "svc/testdata/Dockerfile"), join(repo, "Dockerfile")]),
      ["Dockerfile"],
    );
  });

  it("takes --exclude patterns relative to the working folder, over every ignore file", async () => {
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      assert.deepEqual(await discoverFiles(["."], { exclude: ["vendor/**", "keep.*"] }), [
        "Dockerfile",
        "svc/svc-only/Dockerfile",
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
