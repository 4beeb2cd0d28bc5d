import { execFileSync } from "node:child_process";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { buildLayer, type LayerFile } from "../../src/imagebuild/tar-layer.js";
import { digestOf, type Digest } from "../../src/oci/digest.js";
import { MediaType } from "../../src/oci/media-types.js";

/** A layer blob and the digest of its uncompressed tar. */
export interface HandmadeLayer {
  bytes: Uint8Array;
  mediaType: string;
  diffId: Digest;
}

/**
 * A layer compressed as asked: gzip and none by the project's builder, zstd
 * by the system `zstd` program (so the bytes come from the reference
 * implementation, not from the code under test).
 *
 * @example
 * ```ts
 * const layer = await handmadeLayer([{ path: "etc/motd", content: "hi\n" }], "zstd");
 * ```
 */
export async function handmadeLayer(files: LayerFile[], compression: "gzip" | "zstd" | "none"): Promise<HandmadeLayer> {
  if (compression === "gzip") {
    const built = await buildLayer(files, { compression: "gzip" });
    return { bytes: built.bytes, mediaType: MediaType.ociLayerGzip, diffId: built.diffId };
  }
  const tar = await buildLayer(files, { compression: "none" });
  if (compression === "none") return { bytes: tar.bytes, mediaType: MediaType.ociLayerTar, diffId: tar.diffId };
  const zstd = execFileSync("zstd", ["-q", "-c", "-3", "--no-progress"], { input: tar.bytes, maxBuffer: 256 << 20 });
  return { bytes: new Uint8Array(zstd), mediaType: MediaType.ociLayerZstd, diffId: tar.diffId };
}

/**
 * A single-platform OCI image put together by hand from layers, with the
 * config's `rootfs.diff_ids` as given (default: the layers' true ones) — so
 * a test can make a config that lies about a diff_id or miscounts layers.
 *
 * @example
 * ```ts
 * const image = handmadeImage(layers, { diffIds: [wrong, ...rest] });
 * ```
 */
export function handmadeImage(layers: HandmadeLayer[], options: { diffIds?: string[] } = {}): BuiltImage {
  const config = json({
    architecture: "amd64",
    os: "linux",
    config: {},
    rootfs: { type: "layers", diff_ids: options.diffIds ?? layers.map((l) => l.diffId) },
  });
  const configDescriptor = { mediaType: MediaType.ociConfig, digest: digestOf(config), size: config.length };
  const layerBlobs = layers.map((l) => ({
    bytes: l.bytes,
    descriptor: { mediaType: l.mediaType, digest: digestOf(l.bytes), size: l.bytes.length },
  }));
  const manifest = json({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: layerBlobs.map((b) => b.descriptor),
  });
  const root = { mediaType: MediaType.ociManifest, digest: digestOf(manifest), size: manifest.length };
  return {
    root,
    manifests: [{ descriptor: root, bytes: manifest }],
    blobs: [{ bytes: config, descriptor: configDescriptor }, ...layerBlobs],
  };
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
