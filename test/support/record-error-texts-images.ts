import { readFile, rm, truncate, writeFile } from "node:fs/promises";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { digestOf, type Digest } from "../../src/oci/digest.js";
import { buildImage, type BuiltImage, type BuiltManifest } from "../../src/imagebuild/image.js";
import { writeImage } from "../../src/imagebuild/write-image.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import type { RunningRegistry } from "./registry.js";

/** How a blob is damaged inside the registry's storage. */
export type Corruption = "flip" | "truncate" | "empty" | "grow" | "delete";

/** An image pushed for one recording case, and what its layer and config should be. */
export interface PushedImage {
  /** `127.0.0.1:PORT/<repository>:1` */
  reference: string;
  /** Digest of the image manifest (what a digest-pinned FROM names). */
  manifest: Digest;
  layer: Descriptor;
  config: Descriptor;
  /** The diff_id the config lists for the layer (wrong on purpose in the diff_id case). */
  configDiffId: Digest;
  /** The layer's true diff_id: the digest of its uncompressed tar. */
  layerDiffId: Digest;
}

/** What the registry now serves for a damaged blob, computed here rather than read from any tool's output. */
export interface ServedBlob {
  digest: Digest;
  size: number;
}

/**
 * Push a one-layer OCI image under `repository:1`. Each case gets its own
 * layer text because the registry stores blobs once for all repositories:
 * sharing a layer would let one case's damage leak into another's.
 *
 * @example
 * ```ts
 * const image = await pushCaseImage(registry, clientFor(registry), "layer-flip", { wrongDiffId: false });
 * ```
 */
export async function pushCaseImage(
  registry: RunningRegistry,
  client: RegistryClient,
  repository: string,
  options: { wrongDiffId: boolean },
): Promise<PushedImage> {
  const built = await buildImage({
    flavour: "oci",
    platforms: [
      {
        os: "linux",
        architecture: "amd64",
        layers: [[{ path: `etc/${repository}.txt`, content: layerText(repository) }]],
      },
    ],
  });
  const image = options.wrongDiffId ? withWrongDiffId(built) : built;
  await writeImage(new RegistryStore(client, { registry: registry.host, repository }), image, { tags: ["1"] });
  const { manifest, diffIds } = readImage(image);
  return {
    reference: `${registry.host}/${repository}:1`,
    manifest: image.root.digest,
    layer: manifest.layers[0] as Descriptor,
    config: manifest.config,
    configDiffId: diffIds[0] as Digest,
    layerDiffId: readImage(built).diffIds[0] as Digest,
  };
}

function readImage(image: BuiltImage): { manifest: { config: Descriptor; layers: Descriptor[] }; diffIds: Digest[] } {
  const manifest = JSON.parse(new TextDecoder().decode((image.manifests.at(-1) as BuiltManifest).bytes)) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const configBlob = image.blobs.find((blob) => blob.descriptor.digest === manifest.config.digest);
  const config = JSON.parse(new TextDecoder().decode(configBlob?.bytes)) as { rootfs: { diff_ids: Digest[] } };
  return { manifest, diffIds: config.rootfs.diff_ids };
}

/**
 * Damage the blob file of `digest` in the registry's storage and return
 * what the registry will serve from now on (absent for `delete`). The
 * distribution registry trusts its storage, so it serves these bytes under
 * the original digest: exactly a mirror or CDN serving bad content.
 *
 * @example
 * ```ts
 * const served = await corruptBlob(registry, image.layer.digest, "flip");
 * ```
 */
export async function corruptBlob(
  registry: RunningRegistry,
  digest: string,
  how: Corruption,
): Promise<ServedBlob | undefined> {
  const path = registry.blobDataPath(digest);
  const bytes = new Uint8Array(await readFile(path));
  let served: Uint8Array;
  switch (how) {
    case "delete":
      await rm(path);
      return undefined;
    case "flip":
      // One byte in the middle: the size stays right, so only the digest check can catch it.
      served = bytes.slice();
      served[served.length >> 1] = (served[served.length >> 1] as number) ^ 0xff;
      await writeFile(path, served);
      break;
    case "truncate":
      served = bytes.slice(0, bytes.length >> 1);
      await truncate(path, served.length);
      break;
    case "empty":
      served = new Uint8Array();
      await truncate(path, 0);
      break;
    case "grow":
      served = new Uint8Array([...bytes, 0x0a]);
      await writeFile(path, served);
      break;
  }
  return { digest: digestOf(served), size: served.length };
}

/**
 * The same image with a config whose first diff_id names other content:
 * every blob is intact and verifies, and only unpacking can notice.
 */
function withWrongDiffId(image: BuiltImage): BuiltImage {
  const manifest = image.manifests.at(-1) as BuiltManifest;
  const manifestJson = JSON.parse(new TextDecoder().decode(manifest.bytes)) as { config: Descriptor };
  const configBlob = image.blobs.find((blob) => blob.descriptor.digest === manifestJson.config.digest);
  if (configBlob === undefined) throw new Error("Cannot find the config blob of the built image.");
  const config = JSON.parse(new TextDecoder().decode(configBlob.bytes)) as { rootfs: { diff_ids: string[] } };
  config.rootfs.diff_ids[0] = digestOf("not the layer's uncompressed content\n");
  const configBytes = new TextEncoder().encode(JSON.stringify(config));
  const configDescriptor = { ...configBlob.descriptor, digest: digestOf(configBytes), size: configBytes.length };
  const manifestBytes = new TextEncoder().encode(JSON.stringify({ ...manifestJson, config: configDescriptor }));
  const manifestDescriptor = {
    mediaType: manifest.descriptor.mediaType,
    digest: digestOf(manifestBytes),
    size: manifestBytes.length,
  };
  return {
    root: manifestDescriptor,
    manifests: [{ descriptor: manifestDescriptor, bytes: manifestBytes }],
    blobs: [...image.blobs.filter((blob) => blob !== configBlob), { descriptor: configDescriptor, bytes: configBytes }],
  };
}

/** About 100 KiB of text that compresses poorly enough to need several reads. */
function layerText(seed: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 12_000; i += 1) lines.push(`${seed} ${i} ${(i * 7919) % 104_729} ${(i * 104_729) % 7919}`);
  return `${lines.join("\n")}\n`;
}
