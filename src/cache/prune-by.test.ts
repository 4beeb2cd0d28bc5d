import { test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { parseDuration, parseSize, pruneBy } from "./prune-by.js";

const usage = (error: unknown) => error instanceof DigestguardError && error.code === "USAGE";

test("pruneBy without a criterion is a usage mistake, and leaves no cache folder behind", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-prune-"));
  try {
    const cacheDir = join(dir, "cache");
    await assert.rejects(pruneBy({ cacheDir, dryRun: true }), usage);
    await assert.rejects(access(cacheDir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("durations and sizes read as the help says", () => {
  assert.equal(parseDuration("45s"), 45_000);
  assert.equal(parseDuration("12h"), 43_200_000);
  assert.equal(parseDuration("2w"), 1_209_600_000);
  assert.equal(parseSize("1024"), 1024);
  assert.equal(parseSize("500MB"), 500_000_000);
  assert.equal(parseSize("1.5GiB"), 1_610_612_736);
  assert.throws(() => parseDuration("7 days"), usage);
  assert.throws(() => parseSize("10 gigs"), usage);
});
