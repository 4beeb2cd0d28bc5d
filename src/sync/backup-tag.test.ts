import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import type { Digest } from "../oci/digest.js";
import { isTag } from "../oci/reference.js";
import type { ContentStore } from "../store/content-store.js";
import { freeBackupTag } from "./backup-tag.js";

const OLD = `sha256:${"a".repeat(64)}` as Digest;
const OTHER = `sha256:${"b".repeat(64)}` as Digest;
const NOW = new Date("2026-05-04T10:00:00Z");

// Only resolve is used: a store holding the given tags.
function storeWith(tags: Record<string, Digest>): ContentStore {
  return {
    location: "docker://127.0.0.1:5001/hub/app",
    resolve: async ({ tag }: { tag: string }) => {
      const digest = tags[tag];
      if (digest === undefined) throw new DigestguardError("MANIFEST_UNKNOWN", `Cannot find ${tag}.`);
      return { digest };
    },
  } as unknown as ContentStore;
}

test("a backup name already holding another manifest is skipped, one holding the same is reused", async () => {
  assert.equal(await freeBackupTag(storeWith({}), "3.19", OLD, NOW), "3.19-backup-2026-05-04");
  const taken = storeWith({ "3.19-backup-2026-05-04": OTHER });
  assert.equal(await freeBackupTag(taken, "3.19", OLD, NOW), "3.19-backup-2026-05-04.2");
  const same = storeWith({ "3.19-backup-2026-05-04": OLD });
  assert.equal(await freeBackupTag(same, "3.19", OLD, NOW), "3.19-backup-2026-05-04");
});

test("a 128-character tag still gets a backup name that is a tag", async () => {
  const name = await freeBackupTag(storeWith({}), "x".repeat(128), OLD, NOW);
  assert.ok(isTag(name), name);
  assert.ok(name.endsWith("-backup-2026-05-04"));
});
