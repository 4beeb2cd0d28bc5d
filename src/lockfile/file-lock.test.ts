import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { withFileLock } from "./file-lock.js";

test("withFileLock serialises holders, takes over a dead holder's lock, and removes it after", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-file-lock-"));
  try {
    const path = join(dir, "x.lock");
    const order: string[] = [];
    const hold = (name: string) => withFileLock(path, async () => {
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push(`${name} out`);
    });
    await Promise.all([hold("a"), hold("b")]);
    assert.deepEqual(order.map((s) => s.split(" ")[1]), ["in", "out", "in", "out"]);
    await writeFile(path, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), time: Date.now() }));
    assert.equal(await withFileLock(path, async () => "taken over", { staleMs: 60_000 }), "taken over");
    await assert.rejects(stat(path), { code: "ENOENT" });
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(withFileLock(path, async () => "never", { signal: controller.signal }), { code: "ABORTED" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
