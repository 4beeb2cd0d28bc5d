import { buildImage, type BuiltImage, type PlatformSpec } from "../../src/imagebuild/image.js";
import type { LockedPlatform } from "../../src/lockfile/lockfile-schema.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { formatPlatform } from "../../src/oci/platform.js";

const text = (path: string, content: string) => [{ path, content }];

/** Versions of one upstream base image, for drift and `--update`. */
export interface BaseVersion {
  /** Content of the arm64 app layer; change it to simulate an upstream rebuild of one platform. */
  arm64?: string;
  /** Append a linux/arm/v7 image, leaving the other platforms byte-identical. */
  appendArmV7?: boolean;
}

/**
 * A two-platform OCI index (linux/amd64, linux/arm64/v8) standing in for an
 * upstream base image; each platform has an OS layer and an app layer. The
 * same options give the same digests.
 *
 * @example
 * ```ts
 * const v1 = await baseImage("ruby");
 * const v2 = await baseImage("ruby", { arm64: "rebuilt" }); // only linux/arm64/v8 differs
 * ```
 */
export function baseImage(seed: string, version: BaseVersion = {}): Promise<BuiltImage> {
  const platform = (architecture: string, variant: string | undefined, app: string): PlatformSpec => ({
    os: "linux",
    architecture,
    ...(variant ? { variant } : {}),
    layers: [text("etc/os-release", `ID=${seed}\n`), text("app/version", `${seed} ${architecture} ${app}\n`)],
  });
  const platforms = [platform("amd64", undefined, "v1"), platform("arm64", "v8", version.arm64 ?? "v1")];
  if (version.appendArmV7) platforms.push(platform("arm", "v7", "v1"));
  return buildImage({ flavour: "oci", platforms });
}

/**
 * What the lockfile must hold per platform for a built image, computed from
 * the fixture's own manifests and configs: manifest, config, and each
 * layer's digest, size, media type and diff_id.
 *
 * @example
 * ```ts
 * assert.deepEqual(entry.platforms, expectedPlatforms(image));
 * ```
 */
export function expectedPlatforms(image: BuiltImage): LockedPlatform[] {
  const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
  const platforms: LockedPlatform[] = [];
  for (const built of image.manifests) {
    const manifest = decode(built.bytes) as { config?: Descriptor; layers?: Descriptor[] };
    if (manifest.config === undefined || manifest.layers === undefined) continue;
    const configBlob = image.blobs.find((b) => b.descriptor.digest === manifest.config?.digest);
    if (configBlob === undefined) throw new Error(`Cannot find config ${manifest.config.digest} in the built image.`);
    const config = decode(configBlob.bytes) as {
      os: string;
      architecture: string;
      variant?: string;
      rootfs: { diff_ids: string[] };
    };
    platforms.push({
      platform: formatPlatform(built.descriptor.platform ?? config),
      manifest: built.descriptor.digest,
      config: manifest.config.digest,
      layers: manifest.layers.map((layer, i) => ({
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType,
        diffId: config.rootfs.diff_ids[i] as never,
      })),
    });
  }
  return platforms.sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
}

/** The manifest digest of one platform of a built index, e.g. `platformDigest(image, "linux/arm64/v8")`. */
export function platformDigest(image: BuiltImage, platform: string): string {
  const found = expectedPlatforms(image).find((p) => p.platform === platform);
  if (found === undefined) throw new Error(`Cannot find platform ${platform} in the built image.`);
  return found.manifest;
}
