import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { digestOf } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { buildLayer, type LayerFile } from "./tar-layer.js";

const run = promisify(execFile);
const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const FILES: LayerFile[] = [
  { path: "/etc/os-release", content: "ID=fixture\n" },
  { path: "usr/local/bin/tool", content: new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), mode: 0o755 },
  { path: "etc/motd", content: "welcome\n" },
];

describe("buildLayer", () => {
  it("gzips a tar whose digest is the diffId", async () => {
    const layer = await buildLayer(FILES, { compression: "gzip" });
    assert.equal(layer.descriptor.mediaType, MediaType.ociLayerGzip);
    assert.equal(layer.descriptor.size, layer.bytes.length);
    assert.equal(layer.descriptor.digest, digestOf(layer.bytes));
    assert.equal(layer.diffId, digestOf(gunzipSync(layer.bytes)));
  });

  it("is deterministic", async () => {
    const first = await buildLayer(FILES, { compression: "gzip" });
    const second = await buildLayer(
      FILES.map((file) => ({ ...file })),
      { compression: "gzip" },
    );
    assert.equal(first.descriptor.digest, second.descriptor.digest);
    assert.equal(first.diffId, second.diffId);
    assert.notEqual(first.diffId, (await buildLayer([...FILES].reverse(), { compression: "gzip" })).diffId);
  });

  it("writes a plain tar when asked, with the given media type", async () => {
    const layer = await buildLayer(FILES, { compression: "none", mediaType: "application/x-test" });
    assert.equal(layer.descriptor.mediaType, "application/x-test");
    assert.equal(layer.diffId, layer.descriptor.digest);
    assert.equal((await buildLayer(FILES, { compression: "none" })).descriptor.mediaType, MediaType.ociLayerTar);
  });

  it("is accepted by the system's gzip and tar, with parent folders, modes and owner 0", async () => {
    const folder = await mkdtemp(join(tmpdir(), "dg-layer-"));
    folders.push(folder);
    const file = join(folder, "layer.tar.gz");
    await writeFile(file, (await buildLayer(FILES, { compression: "gzip" })).bytes);
    await run("gzip", ["-t", file]);
    const { stdout } = await run("tar", ["--numeric-owner", "-tvzf", file], { env: { ...process.env, TZ: "UTC" } });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => line.replace(/\s+/g, " "));
    const summary = lines.map((line) => {
      const [mode, owner, , , , name] = line.split(" ");
      return `${mode} ${owner} ${name}`;
    });
    assert.deepEqual(summary, [
      "drwxr-xr-x 0/0 etc/",
      "-rw-r--r-- 0/0 etc/os-release",
      "drwxr-xr-x 0/0 usr/",
      "drwxr-xr-x 0/0 usr/local/",
      "drwxr-xr-x 0/0 usr/local/bin/",
      "-rwxr-xr-x 0/0 usr/local/bin/tool",
      "-rw-r--r-- 0/0 etc/motd",
    ]);
    assert.ok(
      lines.every((line) => line.includes("1970-01-01")),
      stdout,
    );
  });

  it("refuses paths that leave the image", async () => {
    for (const path of ["../escape", "a/../../b", "/", ""]) {
      await assert.rejects(buildLayer([{ path, content: "x" }], { compression: "none" }), { code: "USAGE" });
    }
  });
});
