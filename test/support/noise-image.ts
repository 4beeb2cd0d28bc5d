import { createCipheriv, createHash } from "node:crypto";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { writeImage } from "../../src/imagebuild/write-image.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { clientFor } from "./client-for.js";
import type { RunningRegistry } from "./registry.js";

/**
 * `size` bytes that look random and do not compress, the same for the same
 * seed (AES-256-CTR over zeros, keyed by the seed's sha256).
 *
 * @example
 * ```ts
 * const data = noiseBytes("layer-1", 64 * 1024);
 * ```
 */
export function noiseBytes(seed: string, size: number): Buffer {
  const cipher = createCipheriv("aes-256-ctr", createHash("sha256").update(seed).digest(), Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** `sha256:<hex>` of the bytes. */
export function sha256Of(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * A two-platform OCI index (linux/amd64, linux/arm64); each platform has a
 * small text layer 0 and an incompressible layer 1 of about `noiseSize`
 * bytes, large enough to cut, flip or stall in the middle.
 *
 * @example
 * ```ts
 * const image = await buildNoiseIndex("faults", 24 * 1024);
 * ```
 */
export function buildNoiseIndex(seed: string, noiseSize: number): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: ["amd64", "arm64"].map((architecture) => ({
      os: "linux",
      architecture,
      layers: [
        [{ path: "etc/arch", content: `${seed} ${architecture}\n` }],
        [{ path: "data.bin", content: noiseBytes(`${seed}-${architecture}`, noiseSize) }],
      ],
    })),
  });
}

/** The descriptor and exact bytes of layer `layerIndex` of the image manifest at `manifestIndex` in `image.manifests`. */
export function builtLayer(
  image: BuiltImage,
  manifestIndex: number,
  layerIndex: number,
): { descriptor: Descriptor; bytes: Buffer } {
  const manifest = image.manifests[manifestIndex];
  if (manifest === undefined) throw new Error(`Cannot find manifest ${manifestIndex} of the built image.`);
  const layers = (JSON.parse(Buffer.from(manifest.bytes).toString("utf8")) as { layers: Descriptor[] }).layers;
  const descriptor = layers[layerIndex];
  const blob = image.blobs.find((b) => b.descriptor.digest === descriptor?.digest);
  if (descriptor === undefined || blob === undefined)
    throw new Error(`Cannot find layer ${layerIndex} of manifest ${manifestIndex}.`);
  return { descriptor, bytes: Buffer.from(blob.bytes) };
}

/** Push a built image to a harness registry (directly, not through any proxy). */
export async function pushImage(
  registry: RunningRegistry,
  repository: string,
  image: BuiltImage,
  tags: string[],
): Promise<void> {
  const client = clientFor(registry);
  try {
    await writeImage(new RegistryStore(client, { registry: registry.host, repository }), image, { tags });
  } finally {
    await client.close();
  }
}
