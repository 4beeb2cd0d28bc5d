import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { type Digest, digestOf } from "./digest.js";
import { MediaType } from "./media-types.js";
import { MAX_MANIFEST_BYTES, type FetchedManifest, manifestDescriptor, parseManifest } from "./manifest.js";
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

const { ociManifest, ociIndex } = MediaType;
const emptyConfig = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2, data: "e30=" };
const withoutMediaType = (doc: JsonObject): JsonObject => {
  const { mediaType: _dropped, ...rest } = doc;
  return rest;
};

interface ValidCase {
  name: string;
  doc: unknown;
  contentType?: string;
  kind: "index" | "image";
  mediaType: string;
  check?: (fetched: FetchedManifest) => void;
}

const validCases: ValidCase[] = [
  {
    name: "OCI index",
    doc: ociIndexJson(),
    kind: "index",
    mediaType: ociIndex,
    check: ({ manifest }) =>
      assert.deepEqual(manifest.kind === "index" && manifest.manifests[1]?.platform, {
        os: "linux",
        architecture: "arm64",
        variant: "v8",
      }),
  },
  {
    name: "OCI image manifest",
    doc: ociManifestJson(),
    kind: "image",
    mediaType: ociManifest,
    check: ({ manifest }) => assert.equal(manifest.kind === "image" && manifest.layers[2]?.digest, fakeDigest("d")),
  },
  { name: "Docker manifest list", doc: dockerListJson(), kind: "index", mediaType: MediaType.dockerManifestList },
  {
    name: "Docker v2 schema 2 manifest",
    doc: dockerManifestJson(),
    kind: "image",
    mediaType: MediaType.dockerManifest,
  },
  {
    name: "OCI manifest without mediaType is inferred from config+layers",
    doc: withoutMediaType(ociManifestJson()),
    kind: "image",
    mediaType: ociManifest,
  },
  {
    name: "OCI index without mediaType is inferred from manifests",
    doc: withoutMediaType(ociIndexJson()),
    kind: "index",
    mediaType: ociIndex,
  },
  {
    name: "no body mediaType: a manifest Content-Type decides",
    doc: withoutMediaType(ociIndexJson()),
    contentType: ociIndex,
    kind: "index",
    mediaType: ociIndex,
  },
  {
    name: "Content-Type parameters and case are ignored",
    doc: ociManifestJson(),
    contentType: "Application/VND.OCI.Image.Manifest.v1+JSON ; charset=utf-8",
    kind: "image",
    mediaType: ociManifest,
  },
  {
    name: "generic Content-Type application/json is ignored",
    doc: dockerManifestJson(),
    contentType: "application/json; charset=utf-8",
    kind: "image",
    mediaType: MediaType.dockerManifest,
  },
  {
    name: "generic Content-Type application/octet-stream is ignored",
    doc: ociIndexJson(),
    contentType: "application/octet-stream",
    kind: "index",
    mediaType: ociIndex,
  },
  { name: "empty Content-Type is ignored", doc: ociIndexJson(), contentType: "", kind: "index", mediaType: ociIndex },
  {
    name: "artifact manifest with artifactType, empty config and subject",
    doc: ociManifestJson({
      artifactType: "application/vnd.example.sbom.v1+json",
      config: emptyConfig,
      layers: [descriptorJson("application/spdx+json", "b", 812)],
      subject: descriptorJson(ociManifest, "c", 1234),
    }),
    kind: "image",
    mediaType: ociManifest,
    check: ({ manifest }) => {
      assert.equal(manifest.artifactType, "application/vnd.example.sbom.v1+json");
      assert.equal(manifest.subject?.digest, fakeDigest("c"));
    },
  },
  {
    name: "artifact manifest with no layers",
    kind: "image",
    mediaType: ociManifest,
    doc: ociManifestJson({ artifactType: "application/vnd.example.signature", config: emptyConfig, layers: [] }),
  },
  {
    name: "index with artifactType and subject",
    kind: "index",
    mediaType: ociIndex,
    doc: ociIndexJson({ artifactType: "application/vnd.example.bundle", subject: descriptorJson(ociIndex, "9", 77) }),
  },
  { name: "index with no manifests", doc: ociIndexJson({ manifests: [] }), kind: "index", mediaType: ociIndex },
  {
    name: "unknown fields are ignored and dropped",
    kind: "image",
    mediaType: ociManifest,
    doc: ociManifestJson({
      "x-vendor": { any: 1 },
      config: descriptorJson(MediaType.ociConfig, "a", 1, { extra: true }),
    }),
    check: ({ manifest }) => {
      assert.equal("x-vendor" in manifest, false);
      assert.equal(manifest.kind === "image" && "extra" in manifest.config, false);
    },
  },
  {
    name: "annotations on manifest and descriptors",
    kind: "image",
    mediaType: ociManifest,
    doc: ociManifestJson({
      annotations: { "org.opencontainers.image.created": "2024-01-01T00:00:00Z" },
      layers: [descriptorJson(MediaType.ociLayerGzip, "b", 1, { annotations: { "com.example.k": "" } })],
    }),
    check: ({ manifest }) =>
      assert.equal(manifest.annotations?.["org.opencontainers.image.created"], "2024-01-01T00:00:00Z"),
  },
  {
    name: "foreign layer with urls",
    kind: "image",
    mediaType: MediaType.dockerManifest,
    doc: dockerManifestJson({
      layers: [
        descriptorJson(MediaType.dockerForeignLayerGzip, "b", 5, {
          urls: ["https://mcr.microsoft.com/v2/windows/blobs/sha256:" + "b".repeat(64)],
        }),
      ],
    }),
  },
  {
    name: "platform with os.version, os.features and variant",
    kind: "index",
    mediaType: ociIndex,
    doc: ociIndexJson({
      manifests: [
        descriptorJson(ociManifest, "e", 1, {
          platform: {
            os: "windows",
            architecture: "amd64",
            "os.version": "10.0.20348.2113",
            "os.features": ["win32k"],
            variant: "x",
          },
        }),
      ],
    }),
  },
  {
    name: "sha512 layer digest",
    kind: "image",
    mediaType: ociManifest,
    doc: ociManifestJson({
      layers: [{ mediaType: MediaType.ociLayerZstd, digest: `sha512:${"0".repeat(128)}`, size: 0 }],
    }),
  },
  {
    name: "size zero and media types with +, . and -",
    kind: "image",
    mediaType: ociManifest,
    doc: ociManifestJson({ layers: [descriptorJson("application/vnd.in-toto+json", "b", 0)] }),
  },
];

for (const c of validCases) {
  test(`parseManifest accepts: ${c.name}`, () => {
    const bytes = encodeJson(c.doc);
    const fetched = parseManifest(bytes, c.contentType === undefined ? {} : { contentType: c.contentType });
    assert.equal(fetched.manifest.kind, c.kind);
    assert.equal(fetched.mediaType, c.mediaType);
    assert.equal(fetched.manifest.mediaType, c.mediaType);
    assert.equal(fetched.size, bytes.length);
    assert.equal(fetched.digest, digestOf(bytes));
    c.check?.(fetched);
  });
}

test("parseManifest hashes the exact bytes, not re-serialised JSON", () => {
  const bytes = encodeJson(ociManifestJson(), 3);
  const compact = encodeJson(JSON.parse(new TextDecoder().decode(bytes)));
  const fetched = parseManifest(bytes, { expectedDigest: digestOf(bytes) });
  assert.equal(fetched.digest, digestOf(bytes));
  assert.notEqual(fetched.digest, digestOf(compact));
  assert.deepEqual(fetched.bytes, bytes);
  assert.equal(parseManifest(compact).digest, digestOf(compact));
});

test("parseManifest uses the algorithm of a sha512 expectedDigest", () => {
  const bytes = encodeJson(ociIndexJson());
  const expected = digestOf(bytes, "sha512");
  assert.equal(parseManifest(bytes, { expectedDigest: expected }).digest, expected);
});

test("parseManifest refuses bytes whose digest differs from expectedDigest, before parsing", () => {
  const bytes = encodeJson("not even json");
  const expected = fakeDigest("0") as Digest;
  const actual = digestOf(bytes);
  assert.throws(
    () => parseManifest(bytes, { expectedDigest: expected }),
    (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.equal(error.code, "DIGEST_MISMATCH");
      assert.deepEqual(error.details, { expectedDigest: expected, actualDigest: actual });
      assert.ok(error.message.includes(expected) && error.message.includes(actual), error.message);
      return true;
    },
  );
});

test("parseManifest refuses a malformed expectedDigest", () => {
  assert.throws(() => parseManifest(encodeJson(ociIndexJson()), { expectedDigest: "sha256:abc" as Digest }), {
    code: "DIGEST_INVALID",
  });
});

test("parseManifest accepts exactly MAX_MANIFEST_BYTES and refuses one byte more", () => {
  const doc = new TextDecoder().decode(encodeJson(ociIndexJson()));
  const atLimit = encodeJson(doc + " ".repeat(MAX_MANIFEST_BYTES - doc.length));
  assert.equal(parseManifest(atLimit).size, MAX_MANIFEST_BYTES);
  const over = encodeJson(doc + " ".repeat(MAX_MANIFEST_BYTES + 1 - doc.length));
  assert.throws(
    () => parseManifest(over),
    (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.equal(error.code, "MANIFEST_TOO_LARGE");
      assert.match(error.message, /^Cannot parse manifest: it is 4194305 bytes, over the 4194304-byte/);
      return true;
    },
  );
});

test("parseManifest keeps its own copy of the bytes", () => {
  const bytes = encodeJson(ociManifestJson());
  const fetched = parseManifest(bytes);
  bytes.fill(0);
  assert.equal(digestOf(fetched.bytes), fetched.digest);
});

test("manifestDescriptor gives mediaType, digest and size", () => {
  const bytes = encodeJson(dockerListJson());
  assert.deepEqual(manifestDescriptor(parseManifest(bytes)), {
    mediaType: MediaType.dockerManifestList,
    digest: digestOf(bytes),
    size: bytes.length,
  });
});
