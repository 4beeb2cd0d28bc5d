import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { digestOf } from "../../oci/digest.js";
import { tempCaches } from "../../../test/support/temp-cache.js";
import { readRefs, recordRef } from "./cache-refs.js";

describe("recordRef", () => {
  const caches = tempCaches("cache-refs");
  after(() => caches.cleanup());

  test("references recorded at the same time are all kept", async () => {
    const root = await caches.folder();
    const names = Array.from({ length: 16 }, (_, i) => `example.test/app:${i}`);
    await Promise.all(
      names.map((name) =>
        recordRef(root, name, {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: digestOf(new TextEncoder().encode(name)),
          size: 10,
        }),
      ),
    );
    const { refs } = await readRefs(root);
    assert.deepEqual(Object.keys(refs).sort(), [...names].sort());
    for (const name of names) assert.equal(refs[name]?.digest, digestOf(new TextEncoder().encode(name)));
    await assert.rejects(stat(join(root, "refs.json.lock")), { code: "ENOENT" }, "the lock is released");
  });
});
