import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { digestOf } from "../oci/digest.js";
import { parseManifest, type ImageIndex, type ImageManifest } from "../oci/manifest.js";
import { MediaType } from "../oci/media-types.js";
import { buildImage, type BuiltImage, type ImageSpec, type PlatformSpec } from "./image.js";

const AMD64: PlatformSpec = {
  os: "linux",
  architecture: "amd64",
  layers: [
    [{ path: "etc/os-release", content: "ID=fixture\n" }],
    [{ path: "app/run", content: "amd64\n", mode: 0o755 }],
  ],
};
const ARM64: PlatformSpec = {
  os: "linux",
  architecture: "arm64",
  variant: "v8",
  layers: [
    [{ path: "etc/os-release", content: "ID=fixture\n" }],
    [{ path: "app/run", content: "arm64\n", mode: 0o755 }],
  ],
};

function blobBytes(image: BuiltImage, digest: string): Uint8Array {
  const blob = image.blobs.find((candidate) => candidate.descriptor.digest === digest);
  assert.ok(blob, `blob ${digest} is in the image`);
  return blob.bytes;
}

const CASES: { name: string; spec: ImageSpec; index?: string; manifest: string; config: string; layer: string }[] = [
  {
    name: "one OCI platform",
    spec: { flavour: "oci", platforms: [AMD64] },
    manifest: MediaType.ociManifest,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerGzip,
  },
  {
    name: "one OCI platform in a forced index",
    spec: { flavour: "oci", platforms: [AMD64], index: true },
    index: MediaType.ociIndex,
    manifest: MediaType.ociManifest,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerGzip,
  },
  {
    name: "two OCI platforms",
    spec: { flavour: "oci", platforms: [AMD64, ARM64] },
    index: MediaType.ociIndex,
    manifest: MediaType.ociManifest,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerGzip,
  },
  {
    name: "one Docker platform",
    spec: { flavour: "docker", platforms: [AMD64] },
    manifest: MediaType.dockerManifest,
    config: MediaType.dockerConfig,
    layer: MediaType.dockerLayerGzip,
  },
  {
    name: "two Docker platforms",
    spec: { flavour: "docker", platforms: [AMD64, ARM64] },
    index: MediaType.dockerManifestList,
    manifest: MediaType.dockerManifest,
    config: MediaType.dockerConfig,
    layer: MediaType.dockerLayerGzip,
  },
];

describe("buildImage", () => {
  for (const { name, spec, index, manifest, config, layer } of CASES) {
    it(`builds ${name} with consistent digests and media types`, async () => {
      const image = await buildImage(spec);
      const root = image.manifests.at(-1)!;
      assert.deepEqual(root.descriptor.digest, image.root.digest);
      assert.equal(image.manifests.length, spec.platforms.length + (index === undefined ? 0 : 1));
      for (const built of image.manifests) {
        const parsed = parseManifest(built.bytes, { expectedDigest: built.descriptor.digest });
        assert.equal(parsed.size, built.descriptor.size);
        assert.equal(
          new TextDecoder().decode(built.bytes),
          JSON.stringify(JSON.parse(new TextDecoder().decode(built.bytes))),
        );
        if (parsed.manifest.kind === "index") {
          assert.equal(parsed.mediaType, index);
          assert.deepEqual(
            parsed.manifest.manifests.map((entry) => entry.platform),
            spec.platforms.map((p) => ({
              architecture: p.architecture,
              os: p.os,
              ...(p.variant === undefined ? {} : { variant: p.variant }),
            })),
          );
        } else {
          assert.equal(parsed.mediaType, manifest);
          checkImageManifest(image, parsed.manifest, config, layer);
        }
      }
    });
  }

  it("is deterministic", async () => {
    const first = await buildImage({ flavour: "oci", platforms: [AMD64, ARM64], annotations: { "org.example": "x" } });
    const second = await buildImage({ flavour: "oci", platforms: [AMD64, ARM64], annotations: { "org.example": "x" } });
    assert.deepEqual(second, first);
  });

  it("stores a layer shared by platforms once and puts annotations on the root", async () => {
    const image = await buildImage({ flavour: "oci", platforms: [AMD64, ARM64], annotations: { "org.example": "x" } });
    const digests = image.blobs.map((blob) => blob.descriptor.digest);
    assert.equal(new Set(digests).size, digests.length);
    assert.equal(digests.length, 2 + 3, "two configs, one shared layer and two own layers");
    const root = parseManifest(image.manifests.at(-1)!.bytes).manifest as ImageIndex;
    assert.deepEqual(root.annotations, { "org.example": "x" });
  });

  it("refuses no platform, and several without an index", async () => {
    await assert.rejects(buildImage({ flavour: "oci", platforms: [] }), { code: "USAGE" });
    await assert.rejects(buildImage({ flavour: "oci", platforms: [AMD64, ARM64], index: false }), { code: "USAGE" });
  });
});

function checkImageManifest(image: BuiltImage, manifest: ImageManifest, configType: string, layerType: string): void {
  assert.equal(manifest.config.mediaType, configType);
  const configBytes = blobBytes(image, manifest.config.digest);
  assert.equal(digestOf(configBytes), manifest.config.digest);
  const config = JSON.parse(new TextDecoder().decode(configBytes)) as {
    created: string;
    rootfs: { type: string; diff_ids: string[] };
    history: unknown[];
  };
  assert.equal(config.created, "1970-01-01T00:00:00Z");
  assert.equal(config.rootfs.type, "layers");
  assert.equal(config.history.length, manifest.layers.length);
  const uncompressed = manifest.layers.map((layer) => {
    assert.equal(layer.mediaType, layerType);
    return digestOf(gunzipSync(blobBytes(image, layer.digest)));
  });
  assert.deepEqual(config.rootfs.diff_ids, uncompressed);
}
