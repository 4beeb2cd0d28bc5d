import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliFlagsFor } from "../support/client-for.js";
import { buildNoiseIndex, pushImage } from "../support/noise-image.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { requireToolOrSkip } from "../support/require-tool.js";
import { straceTool, traceCli, undurableRenames } from "../support/syscall-trace.js";

// Every file committed by rename — cache blobs, refs.json, Dockerfiles, the
// lockfile, OCI layout files — must be fsynced before the rename and its
// folder fsynced after, or a power cut can leave a name pointing at nothing.
// strace shows what the real CLI asked of the kernel.

describe("commit-by-rename is durable", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  const scratch: string[] = [];
  const tempDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `dg-durable-${name}-`));
    scratch.push(dir);
    return dir;
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    await pushImage(registry, "durable/app", await buildNoiseIndex("durable", 4096), ["1"]);
    project = await makeProject("durable", {
      Dockerfile: `FROM ${registry.host}/durable/app:1\n`,
      "sub/Dockerfile": `FROM ${registry.host}/durable/app:1 AS x\n`,
    });
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test("pin: the rewritten Dockerfiles and the lockfile", async (t) => {
    if (!requireToolOrSkip(t, straceTool())) return;
    const { events, exitCode, stderr } = await traceCli(["pin", ...cliFlagsFor(registry)], { cwd: project.dir });
    assert.equal(exitCode, 0, stderr);
    const renamed = events
      .filter((e) => e.kind === "rename" && e.to.startsWith(project.dir))
      .map((e) => (e.kind === "rename" ? e.to : ""));
    assert.ok(
      renamed.some((p) => p.endsWith("digestguard.lock")),
      renamed.join("\n"),
    );
    assert.ok(
      renamed.some((p) => p.endsWith("sub/Dockerfile")),
      renamed.join("\n"),
    );
    assert.deepEqual(undurableRenames(events, project.dir), []);
  });

  test("verify --cache: committed blobs and refs.json", async (t) => {
    if (!requireToolOrSkip(t, straceTool())) return;
    const cache = await tempDir("cache");
    const { events, exitCode, stderr } = await traceCli(
      ["verify", "--cache", ...cliFlagsFor(registry), `${registry.host}/durable/app:1`],
      { env: { DIGESTGUARD_CACHE_DIR: cache } },
    );
    assert.equal(exitCode, 0, stderr);
    const blobs = events.filter((e) => e.kind === "rename" && e.to.startsWith(join(cache, "blobs")));
    assert.ok(blobs.length >= 3, `${blobs.length} blobs committed`);
    assert.deepEqual(undurableRenames(events, join(cache, "blobs")), []);
    const refs = join(cache, "refs.json");
    assert.ok(events.some((e) => e.kind === "rename" && e.to === refs));
    assert.deepEqual(undurableRenames(events, refs), []);
  });

  test("demo: the OCI layout files it writes", async (t) => {
    if (!requireToolOrSkip(t, straceTool())) return;
    const dir = await tempDir("demo");
    const { events, exitCode, stderr } = await traceCli(["demo", "--dir", dir]);
    assert.equal(exitCode, 0, stderr);
    const layoutRenames = events.filter((e) => e.kind === "rename" && e.to.includes("index.json"));
    assert.ok(layoutRenames.length > 0);
    assert.deepEqual(undurableRenames(events, dir), []);
  });
});
