import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, symlink, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildImage, type BuiltImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import { parseDigest } from "../oci/digest.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { isInsideRoot } from "./regular-file.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function layoutWithImage(): Promise<{ store: OciLayoutStore; image: BuiltImage }> {
  const folder = await mkdtemp(join(tmpdir(), "dg-regular-"));
  folders.push(folder);
  const store = await OciLayoutStore.open(join(folder, "layout"), { create: true });
  const image = await buildImage({
    flavour: "oci",
    platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "f", content: "layer\n" }]] }],
  });
  await writeImage(store, image, { tags: ["1"] });
  return { store, image };
}

// Runs the real CLI with a hard deadline: the finding was a hang, so a hang must fail the test, not stall it.
function verifyWithDeadline(
  ref: string,
  ms: number,
): Promise<{ code: number | null; stderr: string; stdout: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "verify", "--json", ref], {
      env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout, killed });
    });
  });
}

const layerOf = (image: BuiltImage) => image.blobs.find((b) => b.descriptor.mediaType.includes("layer"))?.descriptor;

describe("layout blobs must be regular files inside the layout", () => {
  const specials: { name: string; make: (path: string) => Promise<void> }[] = [
    { name: "a FIFO", make: async (path) => void spawnSync("mkfifo", [path]) },
    { name: "a symlink to /dev/zero", make: (path) => symlink("/dev/zero", path) },
    { name: "a symlink to a file outside the layout", make: (path) => symlink("/etc/hostname", path) },
  ];
  for (const { name, make } of specials) {
    it(`a layer that is ${name}: verify ends at once with LAYOUT_INVALID, exit 8`, async () => {
      const { store, image } = await layoutWithImage();
      const layer = layerOf(image);
      assert.ok(layer !== undefined);
      const path = store.blobPath(parseDigest(layer.digest));
      await unlink(path);
      await make(path);
      const res = await verifyWithDeadline(`oci:${store.path}:1`, 15_000);
      assert.equal(res.killed, false, "verify hung on the special file");
      assert.equal(res.code, 8, res.stderr + res.stdout);
      assert.match(res.stdout, /LAYOUT_INVALID/);
      assert.match(res.stdout, /not a regular file|symbolic link/);
    });
  }

  it("a manifest that is a FIFO: inspect ends with LAYOUT_INVALID", async () => {
    const { store, image } = await layoutWithImage();
    const path = store.blobPath(parseDigest(image.root.digest));
    await unlink(path);
    spawnSync("mkfifo", [path]);
    // A FIFO has size 0 to stat, so the store calls it missing or damaged before reading: no hang either way.
    await assert.rejects(store.fetchManifest({ tag: "1" }), (e: Error & { code?: string }) =>
      ["LAYOUT_INVALID", "MANIFEST_UNKNOWN"].includes(e.code ?? ""),
    );
  });

  it("a blob folder that is a symlink out of the layout is refused", async () => {
    const { store, image } = await layoutWithImage();
    const layer = layerOf(image);
    assert.ok(layer !== undefined);
    const outside = await mkdtemp(join(tmpdir(), "dg-outside-"));
    folders.push(outside);
    const sha = join(store.path, "blobs", "sha256");
    spawnSync("cp", ["-a", `${sha}/.`, outside]);
    await rm(sha, { recursive: true });
    await symlink(outside, sha);
    await assert.rejects(
      store.openBlobAt(layer, 0),
      (e: Error & { code?: string }) => e.code === "LAYOUT_INVALID" && /outside/.test(e.message),
    );
    assert.equal(store.localBlobPath(layer), undefined);
  });

  it("isInsideRoot compares whole path parts", () => {
    assert.equal(isInsideRoot("/srv/layout/blobs", "/srv/layout"), true);
    assert.equal(isInsideRoot("/srv/layout", "/srv/layout"), true);
    assert.equal(isInsideRoot("/srv/layout-other/blobs", "/srv/layout"), false);
  });
});
