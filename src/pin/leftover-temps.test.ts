import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeLeftoverTemps } from "./leftover-temps.js";

test("removeLeftoverTemps removes a dead writer's temps beside the files, and nothing else", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-leftover-"));
  try {
    const dead = 2 ** 22 + 7;
    const names = [
      "Dockerfile",
      `.Dockerfile.${dead}-0123456789ab.tmp`,
      `.Dockerfile.${process.pid}-0123456789ab.tmp`,
      `.other.${dead}-0123456789ab.tmp`,
      ".Dockerfile.0123456789ab.tmp",
    ];
    for (const name of names) await writeFile(join(dir, name), "x");
    const removed = await removeLeftoverTemps([join(dir, "Dockerfile")]);
    assert.deepEqual(removed, [join(dir, `.Dockerfile.${dead}-0123456789ab.tmp`)]);
    assert.deepEqual(
      (await readdir(dir)).sort(),
      names.filter((n) => !n.includes(String(dead)) || n.startsWith(".other")).sort(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
