import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError, type ErrorCode } from "../errors/error.js";
import { MediaType } from "./media-types.js";
import { parseManifest } from "./manifest.js";
import {
  type JsonObject,
  descriptorJson,
  dockerListJson,
  dockerManifestJson,
  encodeJson,
  fakeDigest,
  ociIndexJson,
  ociManifestJson,
} from "./manifest-fixtures.js";

const { ociManifest, ociIndex, ociLayerGzip } = MediaType;
const layer = (extra: JsonObject) => descriptorJson(ociLayerGzip, "b", 10, extra);
const withLayers = (...layers: JsonObject[]) => ociManifestJson({ layers });
const withPlatform = (platform: unknown) =>
  ociIndexJson({ manifests: [descriptorJson(ociManifest, "e", 1, { platform })] });
const withoutKey = (doc: JsonObject, key: string): JsonObject => {
  const copy = { ...doc };
  delete copy[key];
  return copy;
};
const schema1 = {
  schemaVersion: 1,
  name: "library/hello",
  tag: "latest",
  architecture: "amd64",
  fsLayers: [{ blobSum: fakeDigest("a") }],
  history: [{ v1Compatibility: "{}" }],
};

interface InvalidCase {
  name: string;
  doc: unknown;
  contentType?: string;
  code: ErrorCode;
  message: RegExp;
  path?: string;
}

const invalidCases: InvalidCase[] = [
  {
    name: "not JSON",
    doc: "{ this is not json",
    code: "MANIFEST_INVALID",
    message: /^Cannot parse manifest: it is not valid JSON/,
  },
  { name: "empty body", doc: "", code: "MANIFEST_INVALID", message: /not valid JSON/ },
  {
    name: "JSON array",
    doc: [ociManifestJson()],
    code: "MANIFEST_INVALID",
    message: /must be a JSON object, got an array\.$/,
  },
  { name: "JSON null", doc: "null", code: "MANIFEST_INVALID", message: /must be a JSON object, got null/ },
  {
    name: "JSON string",
    doc: '"manifest"',
    code: "MANIFEST_INVALID",
    message: /must be a JSON object, got "manifest"/,
  },
  {
    name: "invalid UTF-8",
    doc: new Uint8Array([0x7b, 0xff, 0x7d]),
    code: "MANIFEST_INVALID",
    message: /^Cannot parse manifest: it is not valid UTF-8\.$/,
  },
  {
    name: "byte-order mark",
    doc: "\uFEFF" + JSON.stringify(ociIndexJson()),
    code: "MANIFEST_INVALID",
    message: /not valid JSON/,
  },
  {
    name: "schema 1 unsigned",
    doc: schema1,
    code: "MANIFEST_UNSUPPORTED",
    message: /schema 1, which is deprecated and unsupported; re-push/,
  },
  {
    name: "schema 1 signed",
    doc: { ...schema1, signatures: [{ header: {}, signature: "x", protected: "y" }] },
    contentType: MediaType.dockerSchema1Signed,
    code: "MANIFEST_UNSUPPORTED",
    message: /schema 1/,
  },
  {
    name: "schema 1 Content-Type with an unparseable body",
    doc: "<garbled>",
    contentType: MediaType.dockerSchema1,
    code: "MANIFEST_UNSUPPORTED",
    message: /schema 1/,
  },
  {
    name: "schema 1 mediaType in the body",
    doc: ociManifestJson({ mediaType: MediaType.dockerSchema1 }),
    code: "MANIFEST_UNSUPPORTED",
    message: /schema 1/,
  },
  {
    name: "schemaVersion missing",
    doc: withoutKey(ociManifestJson(), "schemaVersion"),
    code: "MANIFEST_INVALID",
    message: /schemaVersion is required and must be 2\.$/,
    path: "schemaVersion",
  },
  {
    name: "schemaVersion 3",
    doc: ociManifestJson({ schemaVersion: 3 }),
    code: "MANIFEST_INVALID",
    message: /schemaVersion must be 2, got 3/,
  },
  {
    name: "schemaVersion as a string",
    doc: ociIndexJson({ schemaVersion: "2" }),
    code: "MANIFEST_INVALID",
    message: /got "2"/,
  },
  {
    name: "mediaType disagrees with Content-Type",
    doc: ociManifestJson(),
    contentType: `${MediaType.dockerManifest}; charset=utf-8`,
    code: "MANIFEST_INVALID",
    message:
      /^Cannot parse manifest: mediaType application\/vnd\.oci\.image\.manifest\.v1\+json disagrees with Content-Type application\/vnd\.docker\.distribution\.manifest\.v2\+json\.$/,
  },
  {
    name: "Docker manifest list without mediaType in the body",
    doc: withoutKey(dockerListJson(), "mediaType"),
    contentType: MediaType.dockerManifestList,
    code: "MANIFEST_INVALID",
    message: /mediaType is required in the body/,
  },
  {
    name: "Docker v2s2 without mediaType in the body",
    doc: withoutKey(dockerManifestJson(), "mediaType"),
    contentType: MediaType.dockerManifest,
    code: "MANIFEST_INVALID",
    message: /mediaType is required in the body/,
  },
  {
    name: "unknown manifest mediaType",
    doc: ociManifestJson({ mediaType: "application/vnd.oci.artifact.manifest.v1+json" }),
    code: "MANIFEST_UNSUPPORTED",
    message: /is not an image index or image manifest type/,
  },
  {
    name: "mediaType not a string",
    doc: ociManifestJson({ mediaType: 7 }),
    code: "MANIFEST_INVALID",
    message: /mediaType must be a string, got 7/,
  },
  {
    name: "no mediaType and no recognisable shape",
    doc: { schemaVersion: 2 },
    code: "MANIFEST_INVALID",
    message: /neither manifests \(index\) nor config and layers/,
  },
  {
    name: "no mediaType and both shapes",
    doc: withoutKey({ ...ociManifestJson(), manifests: [] }, "mediaType"),
    code: "MANIFEST_INVALID",
    message: /neither clearly an index nor an image manifest/,
  },
  {
    name: "index mediaType with config and layers",
    doc: { ...ociManifestJson(), mediaType: ociIndex },
    code: "MANIFEST_INVALID",
    message: /makes it an index, but it has config and layers/,
  },
  {
    name: "index Content-Type on an image manifest without mediaType",
    doc: withoutKey(ociManifestJson(), "mediaType"),
    contentType: ociIndex,
    code: "MANIFEST_INVALID",
    message: /makes it an index, but it has config and layers/,
  },
  {
    name: "image mediaType with manifests",
    doc: { ...ociIndexJson(), mediaType: ociManifest, config: {}, layers: [] },
    code: "MANIFEST_INVALID",
    message: /makes it an image manifest, but it has manifests/,
  },
  {
    name: "negative size",
    doc: withLayers(layer({ size: -1 })),
    code: "MANIFEST_INVALID",
    message: /^Cannot parse manifest: layers\[0\]\.size must be a non-negative integer, got -1\.$/,
    path: "layers[0].size",
  },
  {
    name: "float size",
    doc: withLayers(layer({ size: 1.5 })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.size must be a non-negative integer, got 1\.5/,
  },
  {
    name: "size as a string",
    doc: withLayers(layer({ size: "10" })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.size must be a non-negative integer, got "10"/,
  },
  {
    name: "size beyond 2^53",
    doc:
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"a/b","digest":"' +
      fakeDigest("1") +
      '","size":9007199254740993}]}',
    code: "MANIFEST_INVALID",
    message: /manifests\[0\]\.size must be a non-negative integer/,
  },
  {
    name: "bad digest in layer 3",
    doc: withLayers(layer({}), layer({}), layer({ digest: "sha256:abc" })),
    code: "MANIFEST_INVALID",
    message:
      /^Cannot parse manifest: layers\[2\]\.digest "sha256:abc" is not a valid digest: sha256 needs 64 hex characters, got 3\.$/,
    path: "layers[2].digest",
  },
  {
    name: "unsupported digest algorithm in config",
    doc: ociManifestJson({ config: { mediaType: MediaType.ociConfig, digest: `md5:${"a".repeat(32)}`, size: 1 } }),
    code: "MANIFEST_INVALID",
    message: /config\.digest "md5:a+" is not a valid digest: algorithm "md5" is not supported/,
  },
  {
    name: "uppercase digest hex",
    doc: withLayers(layer({ digest: `sha256:${"A".repeat(64)}` })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.digest/,
  },
  {
    name: "digest as a number",
    doc: withLayers(layer({ digest: 5 })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.digest must be a string, got 5/,
  },
  {
    name: "config missing",
    doc: withoutKey(ociManifestJson(), "config"),
    code: "MANIFEST_INVALID",
    message: /: config is required\.$/,
  },
  {
    name: "layers not an array",
    doc: ociManifestJson({ layers: {} }),
    code: "MANIFEST_INVALID",
    message: /layers must be an array of descriptors, got an object/,
  },
  {
    name: "index without manifests",
    doc: withoutKey(ociIndexJson(), "manifests"),
    code: "MANIFEST_INVALID",
    message: /^Cannot parse manifest: manifests is required\.$/,
    path: "manifests",
  },
  {
    name: "index Content-Type without manifests",
    doc: withoutKey(withoutKey(ociIndexJson(), "manifests"), "mediaType"),
    contentType: ociIndex,
    code: "MANIFEST_INVALID",
    message: /: manifests is required\.$/,
  },
  {
    name: "descriptor mediaType not a media type",
    doc: withLayers(layer({ mediaType: "tar gzip" })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.mediaType must be a media type of the form "type\/subtype" \(RFC 6838\), got "tar gzip"/,
  },
  {
    name: "descriptor mediaType missing",
    doc: withLayers(withoutKey(layer({}), "mediaType")),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.mediaType is required/,
  },
  {
    name: "layer not an object",
    doc: withLayers(layer({}), "sha256:x" as unknown as JsonObject),
    code: "MANIFEST_INVALID",
    message: /layers\[1\] must be a descriptor object, got "sha256:x"/,
  },
  {
    name: "platform without architecture",
    doc: withPlatform({ os: "linux" }),
    code: "MANIFEST_INVALID",
    message: /manifests\[0\]\.platform\.architecture is required/,
    path: "manifests[0].platform.architecture",
  },
  {
    name: "platform not an object",
    doc: withPlatform("linux/amd64"),
    code: "MANIFEST_INVALID",
    message: /manifests\[0\]\.platform must be an object/,
  },
  {
    name: "os.features not an array",
    doc: withPlatform({ os: "windows", architecture: "amd64", "os.features": "win32k" }),
    code: "MANIFEST_INVALID",
    message: /manifests\[0\]\.platform\["os\.features"\] must be an array of strings/,
  },
  {
    name: "annotation value not a string",
    doc: ociManifestJson({ annotations: { "com.example.n": 1 } }),
    code: "MANIFEST_INVALID",
    message: /annotations\["com\.example\.n"\] must be a string, got 1/,
  },
  {
    name: "urls with a non-string",
    doc: withLayers(layer({ urls: ["https://example.com/x", 3] })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.urls\[1\] must be a string, got 3/,
  },
  {
    name: "data not base64",
    doc: withLayers(layer({ data: "not base64!" })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.data must be base64/,
  },
  {
    name: "data longer than size",
    doc: withLayers(layer({ data: "e30=", size: 3 })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.data decodes to 2 bytes but size is 3/,
  },
  {
    name: "data not matching digest",
    doc: withLayers(layer({ data: "e30=", size: 2 })),
    code: "MANIFEST_INVALID",
    message: /layers\[0\]\.data does not match digest sha256:b{64}/,
  },
  {
    name: "subject with a bad digest",
    doc: ociManifestJson({ subject: descriptorJson(ociManifest, "g", 5) }),
    code: "MANIFEST_INVALID",
    message: /subject\.digest/,
  },
  {
    name: "artifactType not a media type",
    doc: ociManifestJson({ artifactType: "sbom" }),
    code: "MANIFEST_INVALID",
    message: /artifactType must be a media type/,
  },
];

for (const c of invalidCases) {
  test(`parseManifest refuses: ${c.name}`, () => {
    const bytes = c.doc instanceof Uint8Array ? c.doc : encodeJson(c.doc);
    const options = c.contentType === undefined ? {} : { contentType: c.contentType };
    assert.throws(
      () => parseManifest(bytes, options),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError, String(error));
        assert.equal(error.code, c.code, error.message);
        assert.match(error.message, c.message);
        if (c.path !== undefined) assert.equal(error.details["path"], c.path);
        return true;
      },
    );
  });
}
