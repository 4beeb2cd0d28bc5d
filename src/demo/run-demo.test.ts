import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo } from "./run-demo.js";

test("the demo tells the whole story offline: inspect, pin, backup, a watched move, drift, corruption caught and explained, pins moved to the backup", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-demo-test-"));
  try {
    let out = "";
    const world = await runDemo({ dir: join(dir, "demo"), write: (text) => (out += text) });
    assert.match(out, /index \(multi-platform\)/);
    assert.match(out, /linux\/amd64 manifest \(from index sha256:/);
    const pinned = /Dockerfile:4 {2}demo\.local\/demo\/base:1\.0 {2}pinned (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    assert.ok(pinned, out);
    assert.match(
      out,
      new RegExp(`mirror demo\\.local/demo/base:1\\.0 oci:${world.backupDir}/demo/base\n   copied ${pinned}`),
    );
    const backupIndex = JSON.parse(await readFile(join(world.backupDir, "demo", "base", "index.json"), "utf8"));
    assert.equal(backupIndex.manifests[0].digest, pinned);
    assert.match(out, /mirror {3}backup\.local: verifies/);
    assert.equal(
      (await readFile(join(world.projectDir, "Dockerfile"), "utf8"))
        .split("\n")
        .find((l) => l.startsWith("FROM backup")),
      `FROM backup.local/demo/base:1.0@${pinned} AS build`,
    );
    assert.match(out, /event moved: demo\.local\/demo\/base:1\.0 sha256:/);
    assert.match(out, /notified delivery [0-9a-f-]{36}: moved demo\.local\/demo\/base:1\.0/);
    assert.match(out, /warning \[drift\].*changed: linux\/amd64/);
    assert.match(out, /FAILED {2}linux\/amd64 layer 0/);
    assert.match(out, /Cause: +registry-serves-bad-bytes/);
    assert.doesNotMatch(out, /remove the (digest )?pin\b(?!: it)/i);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
