import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import type { Descriptor } from "../oci/descriptor.js";
import type { ContentStore } from "../store/content-store.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { buildImage, type BuiltImage, type ImageSpec, type PlatformSpec } from "./image.js";
import { writeImage } from "./write-image.js";
import { tempFolders } from "../../test/support/temp-folders.js";
import { streamToBuffer } from "../../test/support/stream-to-buffer.js";

const run = promisify(execFile);
const SKOPEO = "/usr/bin/skopeo";
const tempFolder = tempFolders("write-image");

const AMD64: PlatformSpec = {
  os: "linux",
  architecture: "amd64",
  layers: [[{ path: "etc/motd", content: "amd64\n" }]],
};
const ARM64: PlatformSpec = {
  os: "linux",
  architecture: "arm64",
  variant: "v8",
  layers: [[{ path: "etc/motd", content: "arm64\n" }], [{ path: "opt/extra", content: "more" }]],
};
const SPECS: Record<string, ImageSpec> = {
  "single-platform OCI": { flavour: "oci", platforms: [AMD64] },
  "multi-platform OCI": { flavour: "oci", platforms: [AMD64, ARM64] },
  "single-platform Docker": { flavour: "docker", platforms: [AMD64] },
  "multi-platform Docker": { flavour: "docker", platforms: [AMD64, ARM64] },
};

const drain = async (stream: Readable): Promise<number> => (await streamToBuffer(stream)).length;

/** A store that records what is pushed, in order, and rejects a manifest pushed before its content. */
function recordingStore(inner: ContentStore, pushed: string[]): ContentStore {
  return {
    location: inner.location,
    resolve: (target, options) => inner.resolve(target, options),
    fetchManifest: (target, options) => inner.fetchManifest(target, options),
    fetchBlob: (descriptor, options) => inner.fetchBlob(descriptor, options),
    openBlobAt: (descriptor, offset, options) => inner.openBlobAt(descriptor, offset, options),
    exists: (descriptor, options) => inner.exists(descriptor, options),
    listTags: (options) => inner.listTags(options),
    pushBlob: async (descriptor: Descriptor, content, options) => {
      pushed.push(`blob ${descriptor.digest}`);
      await inner.pushBlob(descriptor, content, options);
    },
    pushManifest: async (bytes, mediaType, options) => {
      const descriptor = await inner.pushManifest(bytes, mediaType, options);
      pushed.push(`manifest ${descriptor.digest}${options?.tag === undefined ? "" : ` ${options.tag}`}`);
      return descriptor;
    },
  };
}

describe("writeImage into an OCI layout", () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`writes a ${name} image that reads back verified`, async () => {
      const store = await OciLayoutStore.open(join(await tempFolder(), "layout"), { create: true });
      const image = await buildImage(spec);
      const root = await writeImage(store, image, { tags: ["base", "1.0"] });
      assert.equal(root.digest, image.root.digest);
      assert.deepEqual(await store.listTags(), ["base", "1.0"]);
      const fetched = await store.fetchManifest({ tag: "base" });
      assert.equal(fetched.digest, image.root.digest);
      assert.deepEqual(fetched.bytes, image.manifests.at(-1)!.bytes);
      for (const manifest of image.manifests) {
        assert.equal(
          (await store.fetchManifest({ digest: manifest.descriptor.digest })).digest,
          manifest.descriptor.digest,
        );
      }
      for (const blob of image.blobs) {
        assert.equal(await drain(await store.fetchBlob(blob.descriptor)), blob.descriptor.size);
      }
    });
  }

  it("pushes blobs, then child manifests, then the root, and skips what is present", async () => {
    const store = await OciLayoutStore.open(join(await tempFolder(), "layout"), { create: true });
    const image = await buildImage(SPECS["multi-platform OCI"]!);
    const pushed: string[] = [];
    await writeImage(recordingStore(store, pushed), image, { tags: ["a", "b"] });
    const [child1, child2, root] = image.manifests.map((m) => `manifest ${m.descriptor.digest}`);
    assert.deepEqual(pushed, [
      ...image.blobs.map((blob) => `blob ${blob.descriptor.digest}`),
      child1,
      child2,
      `${root} a`,
      `${root} b`,
    ]);
    pushed.length = 0;
    await writeImage(recordingStore(store, pushed), image, { tags: ["c"] });
    assert.deepEqual(pushed, [`${root} c`]);
  });

  it("rejects a built image whose last manifest is not its root", async () => {
    const store = await OciLayoutStore.open(join(await tempFolder(), "layout"), { create: true });
    const image = await buildImage(SPECS["multi-platform OCI"]!);
    const broken: BuiltImage = { ...image, manifests: [...image.manifests].reverse() };
    await assert.rejects(writeImage(store, broken), { code: "USAGE" });
  });
});

// skopeo 1.9 only finds OCI-typed entries in a layout's index.json, so the
// Docker-flavoured images are checked by digest above, not here.
describe("an independent tool reads what writeImage wrote", {
  skip: !existsSync(SKOPEO) && "skopeo is not installed",
}, () => {
  for (const name of ["single-platform OCI", "multi-platform OCI"]) {
    it(`skopeo inspects and copies the ${name} image`, async () => {
      const folder = await tempFolder();
      const store = await OciLayoutStore.open(join(folder, "layout"), { create: true });
      const image = await buildImage(SPECS[name]!);
      await writeImage(store, image, { tags: ["base"] });
      const raw = await run(SKOPEO, ["inspect", "--raw", `oci:${store.path}:base`], { encoding: "buffer" });
      assert.deepEqual(new Uint8Array(raw.stdout), image.manifests.at(-1)!.bytes);
      const copy = join(folder, "copy");
      await run(SKOPEO, ["copy", "--all", "--preserve-digests", `oci:${store.path}:base`, `oci:${copy}:copied`]);
      const copied = await OciLayoutStore.open(copy);
      const fetched = await copied.fetchManifest({ tag: "copied" });
      assert.equal(fetched.digest, image.root.digest);
      for (const blob of image.blobs) {
        assert.equal(await drain(await copied.fetchBlob(blob.descriptor)), blob.descriptor.size);
      }
    });
  }
});
