import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemaFile, SCHEMA_NAMES } from "./json-schema-files.js";

const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../schemas");

for (const name of SCHEMA_NAMES) {
  test(`schemas/${name}.schema.json is what the document schema gives (else run npm run schemas)`, () => {
    assert.equal(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), "utf8"), jsonSchemaFile(name));
  });
}

test("a digest field in a schema file refuses the empty placeholder", () => {
  const verify = JSON.parse(jsonSchemaFile("verify")) as {
    properties: {
      reports: { items: { properties: { manifests: { items: { properties: { digest: { pattern: string } } } } } } };
    };
  };
  const pattern = new RegExp(verify.properties.reports.items.properties.manifests.items.properties.digest.pattern);
  assert.equal(pattern.test(""), false);
  assert.equal(pattern.test(`sha256:${"a".repeat(64)}`), true);
});
