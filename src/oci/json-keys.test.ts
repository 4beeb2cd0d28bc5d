import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { findRepeatedKey } from "./json-keys.js";
import { encodeJson, ociIndexJson, ociManifestJson } from "./manifest-fixtures.js";
import { parseManifest } from "./manifest.js";
import { parseImageConfig } from "./image-config.js";

const repeatedCases = [
  {
    name: "the same key twice at the top",
    text: '{"schemaVersion":2,"schemaVersion":2}',
    key: "schemaVersion",
    path: "",
    caseOnly: false,
  },
  {
    name: "digest and Digest in a descriptor",
    text: '{"config":{"digest":"a","Digest":"b"}}',
    key: "Digest",
    path: "config",
    caseOnly: true,
  },
  {
    name: "a repeat inside an array element",
    text: '{"layers":[{"size":1},{"size":1,"size":2}]}',
    key: "size",
    path: "layers[1]",
    caseOnly: false,
  },
  {
    name: "escaped spelling of the same key",
    text: '{"size":1,"\\u0073ize":2}',
    key: "size",
    path: "",
    caseOnly: false,
  },
  {
    name: "long s folds to s as Go folds it",
    text: '{"size":1,"\u017Fize":2}',
    key: "\u017Fize",
    path: "",
    caseOnly: true,
  },
  {
    name: "exact repeat inside annotations",
    text: '{"annotations":{"a":"1","a":"2"}}',
    key: "a",
    path: "annotations",
    caseOnly: false,
  },
];

for (const c of repeatedCases) {
  test(`findRepeatedKey: ${c.name}`, () => {
    assert.deepEqual(findRepeatedKey(c.text), { key: c.key, path: c.path, caseOnly: c.caseOnly });
  });
}

const uniqueCases = [
  { name: "plain manifest", text: JSON.stringify(ociManifestJson()) },
  { name: "case variants in annotations are data", text: '{"annotations":{"Foo":"1","foo":"2"}}' },
  { name: "case variants in config labels are data", text: '{"config":{"Labels":{"A":"1","a":"2"}}}' },
  { name: "same key in sibling objects", text: '{"a":{"x":1},"b":{"x":1}}' },
  { name: "strings holding quotes and braces", text: '{"a":"\\"}{,","b":[1,"]",{"c":null}]}' },
];

for (const c of uniqueCases) {
  test(`findRepeatedKey: ${c.name} has none`, () => {
    assert.equal(findRepeatedKey(c.text), undefined);
  });
}

test("parseManifest refuses a descriptor with digest and Digest", () => {
  const doc = JSON.stringify(ociManifestJson()).replace(
    '"digest":',
    '"Digest":"sha256:' + "1".repeat(64) + '","digest":',
  );
  assert.throws(
    () => parseManifest(new TextEncoder().encode(doc)),
    (e: unknown) => {
      assert.ok(e instanceof DigestguardError);
      assert.equal(e.code, "MANIFEST_INVALID");
      assert.equal(e.exitCode, 6);
      assert.match(e.message, /"digest" twice up to letter case|"Digest" twice up to letter case/);
      return true;
    },
  );
});

test("parseManifest refuses an index that repeats its manifests key", () => {
  const index = ociIndexJson();
  const doc = JSON.stringify(index).replace('"manifests":', '"manifests":[],"manifests":');
  assert.throws(() => parseManifest(new TextEncoder().encode(doc)), /has the key "manifests" twice/);
});

test("parseManifest refuses nesting deep enough to exhaust the stack, as MANIFEST_INVALID", () => {
  const deep = `{"schemaVersion":2,"annotations":{},"x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  assert.throws(
    () => parseManifest(new TextEncoder().encode(deep)),
    (e: unknown) => e instanceof DigestguardError && e.code === "MANIFEST_INVALID",
  );
});

test("parseImageConfig refuses a repeated rootfs", () => {
  const doc =
    '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"rootfs":{"type":"layers","diff_ids":[]}}';
  assert.throws(() => parseImageConfig(new TextEncoder().encode(doc)), /"rootfs" twice/);
});

test("encodeJson fixtures stay free of repeats", () => {
  assert.equal(findRepeatedKey(new TextDecoder().decode(encodeJson(ociIndexJson()))), undefined);
});
