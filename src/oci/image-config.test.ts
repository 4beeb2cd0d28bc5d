import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { MAX_IMAGE_CONFIG_BYTES, parseImageConfig } from "./image-config.js";
import { type JsonObject, encodeJson, fakeDigest } from "./manifest-fixtures.js";

const config = (extra: JsonObject = {}): JsonObject => ({
  architecture: "amd64",
  os: "linux",
  created: "2024-05-01T12:00:00.123456789Z",
  config: { Env: ["PATH=/usr/bin"], Cmd: ["sh"], ExposedPorts: { "80/tcp": {} }, Labels: { "org.example": "1" } },
  rootfs: { type: "layers", diff_ids: [fakeDigest("1"), fakeDigest("2")] },
  history: [{ created_by: "ADD rootfs.tar /" }, { created_by: "ENV PATH=/usr/bin", empty_layer: true }],
  ...extra,
});

const validCases: { name: string; doc: JsonObject; expect: (parsed: ReturnType<typeof parseImageConfig>) => void }[] = [
  {
    name: "OCI config",
    doc: config(),
    expect: (c) => {
      assert.deepEqual(c.rootfs.diff_ids, [fakeDigest("1"), fakeDigest("2")]);
      assert.deepEqual(c.config?.Cmd, ["sh"]);
      assert.equal(c.history?.[1]?.empty_layer, true);
    },
  },
  {
    name: "Docker config with null fields",
    doc: config({
      config: { Cmd: null, Entrypoint: null, Labels: null, Volumes: null, Env: ["A=1"] },
      history: null,
    }),
    expect: (c) => {
      assert.deepEqual(c.config, { Env: ["A=1"] });
      assert.equal("history" in c, false);
    },
  },
  {
    name: "minimal config with no layers",
    doc: { architecture: "arm64", os: "linux", variant: "v8", rootfs: { type: "layers", diff_ids: [] } },
    expect: (c) =>
      assert.deepEqual(c, {
        architecture: "arm64",
        os: "linux",
        variant: "v8",
        rootfs: { type: "layers", diff_ids: [] },
      }),
  },
  {
    name: "unknown fields are ignored",
    doc: config({ container_config: { Hostname: "x" }, docker_version: "24.0" }),
    expect: (c) => assert.equal("docker_version" in c, false),
  },
  {
    name: "windows os.version",
    doc: config({ os: "windows", "os.version": "10.0.17763.5458" }),
    expect: (c) => assert.equal(c["os.version"], "10.0.17763.5458"),
  },
];

for (const c of validCases) {
  test(`parseImageConfig accepts: ${c.name}`, () => c.expect(parseImageConfig(encodeJson(c.doc))));
}

const invalidCases: { name: string; doc: unknown; message: RegExp }[] = [
  { name: "not JSON", doc: "nope", message: /^Cannot parse image config: it is not valid JSON/ },
  {
    name: "JSON array",
    doc: [],
    message: /^Cannot parse image config: the document must be a JSON object, got an array\.$/,
  },
  {
    name: "architecture missing",
    doc: { ...config(), architecture: undefined },
    message: /^Cannot parse image config: architecture is required\.$/,
  },
  { name: "os not a string", doc: config({ os: 1 }), message: /: os must be a string, got 1\.$/ },
  { name: "rootfs missing", doc: { ...config(), rootfs: undefined }, message: /: rootfs is required\.$/ },
  {
    name: "rootfs.type not layers",
    doc: config({ rootfs: { type: "tar", diff_ids: [] } }),
    message: /: rootfs\.type must be "layers", got "tar"\.$/,
  },
  {
    name: "bad diff_id",
    doc: config({ rootfs: { type: "layers", diff_ids: [fakeDigest("1"), "sha256:zz"] } }),
    message: /: rootfs\.diff_ids\[1\] "sha256:zz" is not a valid digest/,
  },
  {
    name: "diff_ids missing",
    doc: config({ rootfs: { type: "layers" } }),
    message: /: rootfs\.diff_ids must be an array of digests\.$/,
  },
  {
    name: "Env not strings",
    doc: config({ config: { Env: [1] } }),
    message: /: config\.Env\[0\] must be a string, got 1\.$/,
  },
  {
    name: "history entry empty_layer not boolean",
    doc: config({ history: [{ empty_layer: "yes" }] }),
    message: /: history\[0\]\.empty_layer must be a boolean\.$/,
  },
  {
    name: "label value not a string",
    doc: config({ config: { Labels: { a: 1 } } }),
    message: /: config\.Labels\.a must be a string, got 1\.$/,
  },
];

for (const c of invalidCases) {
  test(`parseImageConfig refuses: ${c.name}`, () => {
    assert.throws(
      () => parseImageConfig(encodeJson(c.doc)),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError, String(error));
        assert.equal(error.code, "MANIFEST_INVALID");
        assert.match(error.message, c.message);
        return true;
      },
    );
  });
}

test("parseImageConfig refuses more than MAX_IMAGE_CONFIG_BYTES", () => {
  const doc = JSON.stringify(config());
  const over = encodeJson(doc + " ".repeat(MAX_IMAGE_CONFIG_BYTES + 1 - doc.length));
  assert.throws(() => parseImageConfig(over), { code: "MANIFEST_TOO_LARGE" });
  assert.equal(parseImageConfig(over.subarray(0, MAX_IMAGE_CONFIG_BYTES)).os, "linux");
});
