import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo } from "./run-demo.js";

test("the demo tells the whole story offline: inspect, pin, a watched move, drift, corruption caught and explained", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-demo-test-"));
  try {
    let out = "";
    const world = await runDemo({ dir: join(dir, "demo"), write: (text) => (out += text) });
    assert.match(out, /index \(multi-platform\)/);
    assert.match(out, /linux\/amd64 manifest \(from index sha256:/);
    assert.match(
      await readFile(join(world.projectDir, "Dockerfile"), "utf8"),
      /^FROM demo\.local\/demo\/base:1\.0@sha256:[0-9a-f]{64} AS build$/m,
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
