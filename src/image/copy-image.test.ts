import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { buildImage, type BuiltImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import type { Descriptor } from "../oci/descriptor.js";
import { parsePlatform } from "../oci/platform.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import type { ContentStore } from "../store/content-store.js";
import { tempFolders } from "../../test/support/temp-folders.js";
import { copyImage } from "./copy-image.js";
import { DigestguardError } from "../errors/error.js";

const tempFolder = tempFolders("copy-image");

function threePlatforms(seed: string): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: ["amd64", "arm64", "s390x"].map((architecture) => ({
      os: "linux",
      architecture,
      layers: [
        [{ path: "etc/base", content: `${seed} shared\n` }],
        [{ path: "etc/arch", content: `${seed} ${architecture}\n` }],
      ],
    })),
  });
}

async function layoutWith(image: BuiltImage, tag: string): Promise<OciLayoutStore> {
  const store = await OciLayoutStore.open(await tempFolder(), { create: true });
  await writeImage(store, image, { tags: [tag] });
  return store;
}

// Wraps a store so the n-th blob push fails (as a killed process or a refusing registry would).
function failingPushes(store: ContentStore, failAt: Set<number>): ContentStore {
  let pushes = 0;
  return Object.assign(Object.create(store) as ContentStore, {
    pushBlob: async (descriptor: Descriptor, content: never, options: never) => {
      pushes++;
      if (failAt.has(pushes)) throw new DigestguardError("DENIED", "Cannot upload: quota exceeded.");
      return store.pushBlob(descriptor, content, options);
    },
  });
}

describe("copyImage between OCI layouts", () => {
  test("copies every platform with the exact manifest bytes, then moves nothing on a re-run", async () => {
    const image = await threePlatforms("all");
    const source = await layoutWith(image, "1.0");
    const destination = await OciLayoutStore.open(await tempFolder(), { create: true });
    const first = await copyImage(source, { tag: "1.0" }, destination, { tag: "1.0" });
    assert.equal(first.status, "copied");
    assert.equal(first.written.digest, image.root.digest);
    assert.equal(first.blobs.uploaded, image.blobs.length);
    assert.equal(first.manifestsPushed, image.manifests.length);
    const copied = await destination.fetchManifest({ tag: "1.0" });
    assert.deepEqual(Buffer.from(copied.bytes), Buffer.from(image.manifests.at(-1)?.bytes ?? []));
    const again = await copyImage(source, { tag: "1.0" }, destination, { tag: "1.0" });
    assert.equal(again.status, "up-to-date");
    assert.equal(again.bytesUploaded, 0);
  });

  test("a platform subset is a new index, and is refused under the original digest", async () => {
    const image = await threePlatforms("subset");
    const source = await layoutWith(image, "1.0");
    const destination = await OciLayoutStore.open(await tempFolder(), { create: true });
    const platforms = [parsePlatform("linux/amd64"), parsePlatform("linux/s390x")];
    await assert.rejects(copyImage(source, { tag: "1.0" }, destination, { digest: image.root.digest, platforms }), {
      code: "USAGE",
    });
    const result = await copyImage(source, { tag: "1.0" }, destination, { tag: "two", platforms });
    assert.equal(result.subset, true);
    assert.notEqual(result.written.digest, image.root.digest);
    const written = await destination.fetchManifest({ tag: "two" });
    assert.equal(written.manifest.kind === "index" && written.manifest.manifests.length, 2);
    assert.equal(await destination.exists({ ...image.root }), false, "the original index is not written");
  });

  test("a failed blob leaves no tag at the destination, and the next run completes the copy", async () => {
    const image = await threePlatforms("resume");
    const source = await layoutWith(image, "1.0");
    const destination = await OciLayoutStore.open(await tempFolder(), { create: true });
    await assert.rejects(
      copyImage(source, { tag: "1.0" }, failingPushes(destination, new Set([2])), { tag: "1.0", concurrency: 1 }),
      { code: "DENIED" },
    );
    assert.deepEqual(await destination.listTags(), [], "no tag names incomplete content");
    const resumed = await copyImage(source, { tag: "1.0" }, destination, { tag: "1.0" });
    assert.equal(resumed.status, "copied");
    assert.ok(resumed.blobs.present >= 1, "blobs that landed before are not copied again");
    assert.equal(resumed.blobs.present + resumed.blobs.uploaded, image.blobs.length);
    assert.equal((await destination.resolve({ tag: "1.0" })).digest, image.root.digest);
  });

  test("a blob with bad bytes in the source never lands, and no manifest is pushed", async () => {
    const image = await threePlatforms("corrupt");
    const source = await layoutWith(image, "1.0");
    const layer = image.blobs.find((blob) => blob.descriptor.mediaType.includes("layer"));
    assert.ok(layer !== undefined);
    await writeFile(source.blobPath(layer.descriptor.digest), Buffer.alloc(layer.bytes.length, 0x41));
    const destination = await OciLayoutStore.open(await tempFolder(), { create: true });
    await assert.rejects(copyImage(source, { tag: "1.0" }, destination, { tag: "1.0" }), { code: "DIGEST_MISMATCH" });
    assert.equal(await destination.exists(layer.descriptor), false);
    assert.deepEqual(await destination.listTags(), []);
  });
});
