import { DigestguardError } from "../errors/error.js";
import type { Descriptor, Platform } from "../oci/descriptor.js";
import { digestOf } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { buildLayer, type BuiltBlob, type LayerFile } from "./tar-layer.js";

/** What image to build: one entry per platform, each a list of layers (each a list of files). */
export interface ImageSpec {
  /** `oci` media types, or Docker's (manifest list / schema 2 / container.image.v1). */
  flavour: "oci" | "docker";
  platforms: PlatformSpec[];
  /** Force an index even for one platform; default: an index when there is more than one platform. */
  index?: boolean;
  /** Annotations of the root manifest (the index when there is one). */
  annotations?: Record<string, string>;
}

/** One platform's image in an {@link ImageSpec}. */
export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
  layers: LayerFile[][];
}

/** A built manifest: its exact bytes and its descriptor. */
export interface BuiltManifest {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

/** A built image, ready for {@link writeImage}. */
export interface BuiltImage {
  /** The top manifest: the index when there is one, else the image manifest. */
  root: Descriptor;
  /** Every manifest, children first and the root last. */
  manifests: BuiltManifest[];
  /** Configs and layers, each once. */
  blobs: BuiltBlob[];
}

const CREATED = "1970-01-01T00:00:00Z";
const ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

const MEDIA_TYPES = {
  oci: {
    index: MediaType.ociIndex,
    manifest: MediaType.ociManifest,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerGzip,
  },
  docker: {
    index: MediaType.dockerManifestList,
    manifest: MediaType.dockerManifest,
    config: MediaType.dockerConfig,
    layer: MediaType.dockerLayerGzip,
  },
} as const;

/**
 * Build a real, deterministic image in memory: gzip tar layers, a config
 * whose `rootfs.diff_ids` match them, a manifest per platform and an index
 * over them when there are several platforms (or `index: true`). Building
 * the same spec twice gives the same digests. Test fixtures and the offline
 * demo are made with it, never downloaded.
 *
 * @example
 * ```ts
 * const image = await buildImage({
 *   flavour: "oci",
 *   platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "etc/motd", content: "hi\n" }]] }],
 * });
 * image.root.digest;
 * ```
 */
export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const withIndex = spec.index ?? spec.platforms.length > 1;
  if (spec.platforms.length === 0 || (!withIndex && spec.platforms.length > 1)) {
    throw new DigestguardError(
      "USAGE",
      `Cannot build an image with ${spec.platforms.length} platforms${withIndex ? "" : " and no index"}: ` +
        "give at least one platform, and allow an index when giving several.",
    );
  }
  const blobs = new Map<string, BuiltBlob>();
  const manifests: BuiltManifest[] = [];
  for (const platform of spec.platforms) {
    const annotations = withIndex ? undefined : spec.annotations;
    manifests.push(await buildPlatformManifest(spec.flavour, platform, blobs, annotations));
  }
  if (withIndex) manifests.push(buildIndex(spec, manifests));
  const root = (manifests.at(-1) as BuiltManifest).descriptor;
  return { root, manifests, blobs: [...blobs.values()] };
}

async function buildPlatformManifest(
  flavour: ImageSpec["flavour"],
  platform: PlatformSpec,
  blobs: Map<string, BuiltBlob>,
  annotations: Record<string, string> | undefined,
): Promise<BuiltManifest> {
  const types = MEDIA_TYPES[flavour];
  const layers = [];
  for (const files of platform.layers)
    layers.push(await buildLayer(files, { compression: "gzip", mediaType: types.layer }));
  const config = jsonBlob(types.config, {
    created: CREATED,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    config: { Env: ENV },
    rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map(() => ({ created: CREATED, created_by: "digestguard imagebuild" })),
  });
  for (const blob of [config, ...layers])
    blobs.set(blob.descriptor.digest, { bytes: blob.bytes, descriptor: blob.descriptor });
  const manifest = jsonBlob(types.manifest, {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: config.descriptor,
    layers: layers.map((layer) => layer.descriptor),
    ...(annotations === undefined ? {} : { annotations }),
  });
  return { ...manifest, descriptor: { ...manifest.descriptor, platform: platformOf(platform) } };
}

function buildIndex(spec: ImageSpec, children: BuiltManifest[]): BuiltManifest {
  const mediaType = MEDIA_TYPES[spec.flavour].index;
  return jsonBlob(mediaType, {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((child) => child.descriptor),
    ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }),
  });
}

function platformOf(platform: PlatformSpec): Platform {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
  };
}

function jsonBlob(mediaType: string, value: unknown): BuiltBlob {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return { bytes, descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length } };
}
