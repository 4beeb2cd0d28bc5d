import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeImage } from "../imagebuild/write-image.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { parseLocation, type OpenedLocation } from "../store/open-location.js";
import { handmadeImage, handmadeLayer } from "../../test/support/handmade-image.js";
import { lockedImage, lockOf } from "../../test/support/lock-entries.js";
import type { VerifyProgress } from "../image/verify-image.js";
import { checkLockedImages } from "./check-lock.js";
import type { Digest } from "../oci/digest.js";

// check --deep proves what verify --deep proves: blobs and diff_ids, with progress.

describe("checkLockedImages with deep", () => {
  let dir: string;
  let store: OciLayoutStore;
  let digest: Digest;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "digestguard-check-lock-"));
    store = await OciLayoutStore.open(join(dir, "layout"), { create: true });
    const layers = [
      await handmadeLayer([{ path: "a", content: "one" }], "gzip"),
      await handmadeLayer([{ path: "b", content: "two" }], "gzip"),
    ];
    // Every blob verifies; only the config's second diff_id is wrong.
    const image = handmadeImage(layers, { diffIds: [layers[0]?.diffId as string, layers[0]?.diffId as string] });
    await writeImage(store, image, { tags: ["1.0"] });
    digest = image.root.digest;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const open = async (reference: string): Promise<OpenedLocation> => {
    const location = parseLocation(reference);
    return { store, target: location.target, location, display: reference };
  };
  const lock = () =>
    lockOf([
      lockedImage("example.test/app:1.0", [], { digest, mediaType: "application/vnd.oci.image.manifest.v1+json" }),
    ]);

  test("a layer that decompresses to another diff_id than the config's is a content-mismatch", async () => {
    const { images, findings } = await checkLockedImages(lock(), {
      lockfilePath: "digestguard.lock",
      open,
      deep: true,
    });
    assert.equal(images[0]?.status, "content-mismatch");
    assert.match(findings[0]?.message ?? "", /diff_id/);
  });

  test("deep reports progress: bytes and each blob as it finishes", async () => {
    const seen = { started: 0, bytes: 0, done: 0 };
    const progress: VerifyProgress = {
      start: () => void seen.started++,
      advance: (n) => void (seen.bytes += n),
      blobDone: () => void seen.done++,
    };
    await checkLockedImages(lock(), { lockfilePath: "digestguard.lock", open, deep: true, progress });
    assert.deepEqual([seen.started, seen.done], [1, 2]);
    assert.ok(seen.bytes > 0);
  });
});
