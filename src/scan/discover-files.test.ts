import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { discoverFiles } from "./discover-files.js";

let root = "";

async function put(path: string, text = "FROM a\n"): Promise<void> {
  await mkdir(join(root, path, ".."), { recursive: true });
  await writeFile(join(root, path), text);
}

function relative(paths: string[]): string[] {
  return paths.map((path) => path.slice(root.length + 1));
}

describe("discoverFiles", () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "dg-discover-"));
    await put("Dockerfile");
    await put("svc/api.Dockerfile");
    await put("svc/compose.yaml", "services: {}\n");
    await put("svc/notes.txt", "FROM a\n");
    await put("deploy/app.yaml", "apiVersion: v1\nkind: Pod\n");
    await put(".github/workflows/ci.yml", "jobs: {}\n");
    await put("node_modules/pkg/Dockerfile");
    await put(".git/Dockerfile");
    await symlink(join(root, "Dockerfile"), join(root, "svc/Dockerfile.link"));
    await symlink(join(root, "svc"), join(root, "svc-link"));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it("walks folders for Dockerfiles and compose files, sorted, skipping node_modules and .git", async () => {
    assert.deepEqual(relative(await discoverFiles([root])), ["Dockerfile", "svc/api.Dockerfile", "svc/compose.yaml"]);
  });

  it("adds workflows and Kubernetes candidates when asked", async () => {
    const found = relative(await discoverFiles([root], { kubernetes: true, workflows: true }));
    assert.deepEqual(found, [
      ".github/workflows/ci.yml",
      "Dockerfile",
      "deploy/app.yaml",
      "svc/api.Dockerfile",
      "svc/compose.yaml",
    ]);
  });

  it("takes files named explicitly whatever their name, each file once", async () => {
    const notes = join(root, "svc/notes.txt");
    const found = await discoverFiles([notes, join(root, "svc"), notes, join(root, "Dockerfile")]);
    assert.deepEqual(relative(found), ["Dockerfile", "svc/api.Dockerfile", "svc/compose.yaml", "svc/notes.txt"]);
  });

  it("follows a symlinked file once and does not enter symlinked folders", async () => {
    const found = relative(await discoverFiles([join(root, "svc"), join(root, "svc-link/api.Dockerfile")]));
    // svc/Dockerfile.link is the root Dockerfile, not given here, so it is listed under its link.
    assert.deepEqual(found, ["svc-link/api.Dockerfile", "svc/Dockerfile.link", "svc/compose.yaml"]);
  });

  it("fails with IO for a path that does not exist", async () => {
    await assert.rejects(
      discoverFiles([join(root, "missing")]),
      (error: unknown) =>
        error instanceof DigestguardError && error.code === "IO" && /missing: it does not exist/.test(error.message),
    );
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      discoverFiles([root], { signal: controller.signal }),
      (error: unknown) => error instanceof DigestguardError && error.code === "ABORTED",
    );
  });
});
