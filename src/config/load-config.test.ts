import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "./load-config.js";

describe("loadConfig finds the project's digestguard.yaml", () => {
  let repo: string;
  const mirrors = "version: 1\nregistries:\n  docker.io: { mirrors: [127.0.0.1:5001] }\n";
  before(async () => {
    repo = await mkdtemp(join(tmpdir(), "dg-config-"));
    await mkdir(join(repo, ".git"));
    await mkdir(join(repo, "svc/api"), { recursive: true });
    await writeFile(join(repo, "digestguard.yaml"), mirrors);
    await writeFile(join(repo, "other.yaml"), "version: 1\n");
  });
  after(() => rm(repo, { recursive: true, force: true }));

  it("from a subfolder: the repository's config, mirrors and all", async () => {
    const loaded = await loadConfig({ cwd: join(repo, "svc/api"), env: {} });
    assert.equal(loaded.path, join(repo, "digestguard.yaml"));
    assert.deepEqual(loaded.config.registries?.["docker.io"]?.mirrors, ["127.0.0.1:5001"]);
  });

  it("--config and DIGESTGUARD_CONFIG still win", async () => {
    assert.equal(
      (await loadConfig({ cwd: join(repo, "svc"), path: "../other.yaml", env: {} })).path,
      join(repo, "other.yaml"),
    );
    assert.equal(
      (await loadConfig({ cwd: join(repo, "svc"), env: { DIGESTGUARD_CONFIG: join(repo, "other.yaml") } })).path,
      join(repo, "other.yaml"),
    );
  });

  it("does not look above the repository root", async () => {
    const inner = join(repo, "svc/api/inner");
    await mkdir(join(inner, ".git"), { recursive: true });
    assert.equal((await loadConfig({ cwd: inner, env: {} })).path, undefined);
  });
});
