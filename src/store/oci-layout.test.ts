import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { buildImage, type BuiltImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf, type Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { OciLayoutStore } from "./oci-layout.js";
import { tempFolders } from "../../test/support/temp-folders.js";
import { streamToBuffer } from "../../test/support/stream-to-buffer.js";

const tempFolder = tempFolders("layout");

async function newStore(): Promise<OciLayoutStore> {
  return OciLayoutStore.open(join(await tempFolder(), "layout"), { create: true });
}

function blobOf(text: string): { bytes: Uint8Array; descriptor: Descriptor } {
  const bytes = new TextEncoder().encode(text);
  return { bytes, descriptor: { mediaType: "application/octet-stream", digest: digestOf(bytes), size: bytes.length } };
}

const readAll = async (stream: Readable): Promise<string> => (await streamToBuffer(stream)).toString("utf8");

/** Every file under `folder`, relative, sorted. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

function tinyImage(content: string): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "f", content }]] }],
  });
}

describe("OciLayoutStore.open", () => {
  it("creates a layout other tools recognise", async () => {
    const store = await newStore();
    assert.equal(store.location, `oci:${store.path}`);
    assert.deepEqual(JSON.parse(await readFile(join(store.path, "oci-layout"), "utf8")), {
      imageLayoutVersion: "1.0.0",
    });
    assert.deepEqual(JSON.parse(await readFile(join(store.path, "index.json"), "utf8")), {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [],
    });
    assert.deepEqual(await readdir(join(store.path, "blobs")), []);
    await OciLayoutStore.open(store.path);
  });

  const refusals: { name: string; prepare: (folder: string) => Promise<void>; message: RegExp }[] = [
    { name: "a missing folder", prepare: async () => undefined, message: /the folder does not exist; .*create/ },
    { name: "a folder without oci-layout", prepare: (f) => mkdir(f), message: /has no oci-layout file/ },
    { name: "a file", prepare: (f) => writeFile(f, "x"), message: /is a file, not a folder/ },
    {
      name: "an unsupported layout version",
      prepare: async (f) => {
        await mkdir(f);
        await writeFile(join(f, "oci-layout"), '{"imageLayoutVersion":"2.0.0"}');
      },
      message: /imageLayoutVersion "2.0.0" is not supported/,
    },
    {
      name: "a damaged index.json",
      prepare: async (f) => {
        await mkdir(f);
        await writeFile(join(f, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
        await writeFile(join(f, "index.json"), '{"schemaVersion":2,"manifests":[{"digest":"nope"}]}');
      },
      message: /index\.json: .*manifests\[0\]/,
    },
  ];
  for (const { name, prepare, message } of refusals) {
    it(`refuses ${name} with LAYOUT_INVALID`, async () => {
      const folder = join(await tempFolder(), "layout");
      await prepare(folder);
      await assert.rejects(OciLayoutStore.open(folder), (error: Error & { code?: string }) => {
        assert.equal(error.code, "LAYOUT_INVALID");
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe("OciLayoutStore blobs", () => {
  it("stores bytes and streams them back verified", async () => {
    const store = await newStore();
    const { bytes, descriptor } = blobOf("hello");
    assert.equal(await store.exists(descriptor), false);
    await store.pushBlob(descriptor, bytes);
    await store.pushBlob(descriptor, Readable.from([Buffer.from("ignored: already present")]));
    assert.equal(await store.exists(descriptor), true);
    assert.equal(await readAll(await store.fetchBlob(descriptor)), "hello");
    assert.equal(await readFile(store.blobPath(descriptor.digest), "utf8"), "hello");
  });

  it("stores a stream", async () => {
    const store = await newStore();
    const { descriptor } = blobOf("streamed");
    await store.pushBlob(descriptor, Readable.from([Buffer.from("stream"), Buffer.from("ed")]));
    assert.equal(await readAll(await store.fetchBlob(descriptor)), "streamed");
  });

  it("never makes a blob with wrong bytes visible", async () => {
    const store = await newStore();
    const { descriptor } = blobOf("right");
    await assert.rejects(store.pushBlob(descriptor, new TextEncoder().encode("wrong")), { code: "DIGEST_MISMATCH" });
    await assert.rejects(store.pushBlob(descriptor, Readable.from([Buffer.from("wrong")])), {
      code: "DIGEST_MISMATCH",
    });
    await assert.rejects(store.pushBlob(descriptor, Readable.from([Buffer.from("rig")])), { code: "SIZE_MISMATCH" });
    assert.equal(await store.exists(descriptor), false);
    assert.deepEqual(await filesUnder(store.path), ["index.json", "oci-layout"]);
  });

  it("takes another store's verified read as it is, and still never stores what that read rejects", async () => {
    const [source, target] = [await newStore(), await newStore()];
    const good = blobOf("good blob");
    const bad = blobOf("bad blob!");
    await source.pushBlob(good.descriptor, good.bytes);
    await source.pushBlob(bad.descriptor, bad.bytes);
    await writeFile(source.blobPath(bad.descriptor.digest), "bad blob?");
    await target.pushBlob(good.descriptor, await source.fetchBlob(good.descriptor));
    assert.equal(await readFile(target.blobPath(good.descriptor.digest), "utf8"), "good blob");
    await assert.rejects(target.pushBlob(bad.descriptor, await source.fetchBlob(bad.descriptor)), {
      code: "DIGEST_MISMATCH",
    });
    assert.equal(await target.exists(bad.descriptor), false);
  });

  it("checks a verified read again when some of it was read before the push", async () => {
    const [source, target] = [await newStore(), await newStore()];
    const { bytes, descriptor } = blobOf("x".repeat(100));
    await source.pushBlob(descriptor, bytes);
    const started = await source.fetchBlob(descriptor);
    await new Promise((resolve) => started.once("readable", resolve));
    started.read(10);
    await assert.rejects(target.pushBlob(descriptor, started), { code: "SIZE_MISMATCH" });
    assert.equal(await target.exists(descriptor), false);
  });

  it("leaves no temp file when a push is aborted mid-write", async () => {
    const store = await newStore();
    const { descriptor } = blobOf("x".repeat(100));
    const controller = new AbortController();
    const source = new Readable({ read() {} });
    source.push(Buffer.from("x".repeat(10)));
    source.once("data", () => setImmediate(() => controller.abort()));
    await assert.rejects(store.pushBlob(descriptor, source, { signal: controller.signal }), { code: "ABORTED" });
    assert.deepEqual(await filesUnder(store.path), ["index.json", "oci-layout"]);
  });

  it("makes a corrupted blob file fail the stream instead of ending it", async () => {
    const store = await newStore();
    const { bytes, descriptor } = blobOf("original");
    await store.pushBlob(descriptor, bytes);
    await writeFile(store.blobPath(descriptor.digest), "0riginal");
    await assert.rejects(readAll(await store.fetchBlob(descriptor)), { code: "DIGEST_MISMATCH" });
    assert.equal(await store.exists(descriptor), true, "same size: only reading can tell");
    await writeFile(store.blobPath(descriptor.digest), "short");
    assert.equal(await store.exists(descriptor), false, "a wrong size is not presence");
  });

  it("stops a blob stream when the signal fires", async () => {
    const store = await newStore();
    const { bytes, descriptor } = blobOf("y".repeat(3 << 20));
    await store.pushBlob(descriptor, bytes);
    const controller = new AbortController();
    const stream = await store.fetchBlob(descriptor, { signal: controller.signal });
    stream.once("data", () => controller.abort());
    await assert.rejects(readAll(stream), { name: "AbortError" });
  });

  it("reports a missing blob as BLOB_UNKNOWN and refuses malformed digests", async () => {
    const store = await newStore();
    await assert.rejects(store.fetchBlob(blobOf("absent").descriptor), { code: "BLOB_UNKNOWN" });
    const traversal = { mediaType: "x", digest: "sha256:../../../etc/passwd" as Digest, size: 1 };
    await assert.rejects(store.fetchBlob(traversal), { code: "DIGEST_INVALID" });
    await assert.rejects(store.pushBlob(traversal, new Uint8Array(1)), { code: "DIGEST_INVALID" });
  });
});

describe("OciLayoutStore manifests and tags", () => {
  it("resolves and fetches by tag and by digest", async () => {
    const store = await newStore();
    const image = await tinyImage("a");
    await writeImage(store, image, { tags: ["v1"] });
    const root = image.manifests[0]!;
    const byTag = await store.resolve({ tag: "v1" });
    assert.equal(byTag.digest, image.root.digest);
    assert.equal(byTag.size, image.root.size);
    assert.deepEqual(await store.resolve({ digest: image.root.digest }), byTag);
    const fetched = await store.fetchManifest({ tag: "v1" });
    assert.deepEqual(fetched.bytes, root.bytes);
    assert.equal(fetched.digest, image.root.digest);
    assert.deepEqual(await store.fetchManifest({ digest: image.root.digest }), fetched);
  });

  it("resolves an untagged manifest by reading its blob", async () => {
    const store = await newStore();
    const image = await tinyImage("b");
    await writeImage(store, image);
    assert.deepEqual(await store.listTags(), []);
    assert.deepEqual(await store.resolve({ digest: image.root.digest }), {
      mediaType: MediaType.ociManifest,
      digest: image.root.digest,
      size: image.root.size,
    });
    await assert.rejects(store.resolve({ digest: blobOf("none").descriptor.digest }), { code: "MANIFEST_UNKNOWN" });
  });

  it("refuses to read a layer as a manifest", async () => {
    const store = await newStore();
    const { bytes, descriptor } = blobOf("z".repeat(4 * 1024 * 1024 + 1));
    await store.pushBlob(descriptor, bytes);
    await assert.rejects(store.fetchManifest({ digest: descriptor.digest }), { code: "MANIFEST_TOO_LARGE" });
  });

  it("names the known tags when a tag is missing", async () => {
    const store = await newStore();
    await assert.rejects(store.resolve({ tag: "v9" }), /Cannot find tag "v9" in oci:.*: the layout has no tags/);
    await writeImage(store, await tinyImage("c"), { tags: ["v1", "v2"] });
    await assert.rejects(store.fetchManifest({ tag: "v9" }), (error: Error & { code?: string }) => {
      assert.equal(error.code, "MANIFEST_UNKNOWN");
      assert.match(error.message, /known tags: v1, v2;/);
      return true;
    });
  });

  it("moves a tag in place and keeps every other entry as it was", async () => {
    const store = await newStore();
    const [a, b, c] = await Promise.all(["a", "b", "c"].map(tinyImage));
    const foreign = { mediaType: MediaType.ociManifest, digest: digestOf("other"), size: 5, "x-tool": { kept: true } };
    await writeFile(join(store.path, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [foreign] }));
    await writeImage(store, a!, { tags: ["latest"] });
    await writeImage(store, b!, { tags: ["stable"] });
    await writeImage(store, c!, { tags: ["latest"] });
    const index = JSON.parse(await readFile(join(store.path, "index.json"), "utf8")) as { manifests: Descriptor[] };
    assert.deepEqual(index.manifests[0], foreign);
    assert.deepEqual(
      index.manifests.slice(1).map((entry) => [entry.annotations?.["org.opencontainers.image.ref.name"], entry.digest]),
      [
        ["latest", c!.root.digest],
        ["stable", b!.root.digest],
      ],
    );
    assert.deepEqual(await store.listTags(), ["latest", "stable"]);
  });

  it("keeps every tag when pushes run concurrently", async () => {
    const store = await newStore();
    const image = await tinyImage("d");
    await writeImage(store, image);
    const [manifest] = image.manifests;
    const tags = ["t1", "t2", "t3", "t4", "t5"];
    await Promise.all(tags.map((tag) => store.pushManifest(manifest!.bytes, MediaType.ociManifest, { tag })));
    assert.deepEqual((await store.listTags()).sort(), tags);
  });

  it("refuses a manifest whose blobs are not in the layout, and a bad tag", async () => {
    const store = await newStore();
    const image = await tinyImage("e");
    const [manifest] = image.manifests;
    await assert.rejects(
      store.pushManifest(manifest!.bytes, MediaType.ociManifest, { tag: "v1" }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, "BLOB_UNKNOWN");
        assert.match(error.message, /references application\/vnd\.oci\.image\.config\.v1\+json sha256:/);
        return true;
      },
    );
    assert.deepEqual(await filesUnder(store.path), ["index.json", "oci-layout"]);
    await writeImage(store, image);
    await assert.rejects(store.pushManifest(manifest!.bytes, MediaType.ociManifest, { tag: "-bad" }), {
      code: "REFERENCE_INVALID",
    });
    await assert.rejects(store.pushManifest(manifest!.bytes, MediaType.ociIndex), { code: "MANIFEST_INVALID" });
  });

  it("reports a blob missing behind a tag as a damaged layout", async () => {
    const store = await newStore();
    const image = await tinyImage("f");
    await writeImage(store, image, { tags: ["v1"] });
    await rm(store.blobPath(image.root.digest));
    await assert.rejects(store.resolve({ tag: "v1" }), /index\.json names sha256:.* but the blob is missing/);
    await assert.rejects(store.fetchManifest({ tag: "v1" }), { code: "MANIFEST_UNKNOWN" });
  });
});
