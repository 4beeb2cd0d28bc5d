import { MediaType } from "./media-types.js";

// Small, deterministic manifest documents for tests: plain JSON values that a
// test can change one field of before encoding.

/** A JSON object as tests build it. */
export type JsonObject = Record<string, unknown>;

/**
 * A sha256 digest made of one repeated hex character; fine where only the
 * shape of a digest matters.
 *
 * @example
 * ```ts
 * fakeDigest("a"); // "sha256:aaaa…" (64 a's)
 * ```
 */
export function fakeDigest(hexChar: string): string {
  return `sha256:${hexChar.repeat(64)}`;
}

/**
 * A descriptor object with the given media type, fake digest and size.
 *
 * @example
 * ```ts
 * descriptorJson(MediaType.ociLayerGzip, "b", 10);
 * ```
 */
export function descriptorJson(mediaType: string, hexChar: string, size: number, extra: JsonObject = {}): JsonObject {
  return { mediaType, digest: fakeDigest(hexChar), size, ...extra };
}

/**
 * An OCI image manifest with a config and three gzip layers.
 *
 * @example
 * ```ts
 * const doc = ociManifestJson(); (doc["layers"] as JsonObject[])[2]!["digest"] = "sha256:bad";
 * ```
 */
export function ociManifestJson(extra: JsonObject = {}): JsonObject {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: descriptorJson(MediaType.ociConfig, "a", 1469),
    layers: [
      descriptorJson(MediaType.ociLayerGzip, "b", 3208),
      descriptorJson(MediaType.ociLayerGzip, "c", 32654),
      descriptorJson(MediaType.ociLayerGzip, "d", 16724),
    ],
    ...extra,
  };
}

/**
 * An OCI image index with linux/amd64 and linux/arm64/v8 entries.
 *
 * @example
 * ```ts
 * const doc = ociIndexJson({ annotations: { "org.opencontainers.image.ref.name": "1.0" } });
 * ```
 */
export function ociIndexJson(extra: JsonObject = {}): JsonObject {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      descriptorJson(MediaType.ociManifest, "e", 1024, { platform: { os: "linux", architecture: "amd64" } }),
      descriptorJson(MediaType.ociManifest, "f", 1025, {
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      }),
    ],
    ...extra,
  };
}

/**
 * A Docker v2 schema 2 manifest with one layer.
 *
 * @example
 * ```ts
 * parseManifest(encodeJson(dockerManifestJson()));
 * ```
 */
export function dockerManifestJson(extra: JsonObject = {}): JsonObject {
  return {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: descriptorJson(MediaType.dockerConfig, "a", 7023),
    layers: [descriptorJson(MediaType.dockerLayerGzip, "b", 32654)],
    ...extra,
  };
}

/**
 * A Docker manifest list with one linux/amd64 entry.
 *
 * @example
 * ```ts
 * parseManifest(encodeJson(dockerListJson()));
 * ```
 */
export function dockerListJson(extra: JsonObject = {}): JsonObject {
  return {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: [
      descriptorJson(MediaType.dockerManifest, "e", 528, { platform: { os: "linux", architecture: "amd64" } }),
    ],
    ...extra,
  };
}

/**
 * UTF-8 bytes of a JSON value, or of a string taken as already-encoded text.
 *
 * @example
 * ```ts
 * encodeJson({ schemaVersion: 2 }); encodeJson("not json");
 * ```
 */
export function encodeJson(value: unknown, indent?: number): Uint8Array {
  return new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value, null, indent));
}
