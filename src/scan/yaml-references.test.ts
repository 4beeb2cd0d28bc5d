import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { findComposeReferences } from "./compose-references.js";
import { findKubernetesReferences } from "./kubernetes-references.js";
import { findWorkflowReferences } from "./workflow-references.js";

function written(references: { written: string; line: number }[]): string[] {
  return references.map((reference) => `${reference.line} ${reference.written}`);
}

describe("findComposeReferences", () => {
  it("finds nothing without services, and skips services without an image", () => {
    assert.deepEqual(findComposeReferences("", "compose.yaml"), []);
    assert.deepEqual(findComposeReferences("name: x\n", "compose.yaml"), []);
    assert.deepEqual(
      findComposeReferences(
        "services:\n  a:\n    build: .\n  b:\n  c:\n    image:\n  d:\n    image: 12\n",
        "compose.yaml",
      ),
      [],
    );
  });

  it("follows an anchored service map and reports a shared image once", () => {
    const text = "x: &s {image: 'a:1'}\nservices:\n  one: *s\n  two: *s\n  three:\n    <<: *s\n";
    assert.deepEqual(written(findComposeReferences(text, "compose.yaml")), ["1 a:1"]);
  });

  it("lets a service's own image win over a merged one", () => {
    const text = "x: &s {image: a:1}\nservices:\n  one:\n    image: b:2\n    <<: *s\n";
    assert.deepEqual(written(findComposeReferences(text, "compose.yaml")), ["4 b:2"]);
  });

  it("refuses a file that is not YAML, naming it", () => {
    assert.throws(
      () => findComposeReferences("services:\n  a: [\n", "docker-compose.yml"),
      (error: unknown) =>
        error instanceof DigestguardError &&
        error.code === "USAGE" &&
        error.message.startsWith("Cannot read docker-compose.yml: it is not valid YAML"),
    );
  });
});

describe("findKubernetesReferences", () => {
  it("skips documents that are not manifests or not valid YAML", () => {
    const text =
      "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{image: a:1}]\n---\n{{ template }}: [\n---\nkind: Pod\nspec:\n  containers: [{image: b:1}]\n---\n- x\n";
    assert.deepEqual(written(findKubernetesReferences(text, "pod.yaml")), ["4 a:1"]);
  });

  it("ignores image keys outside container lists", () => {
    const text =
      "apiVersion: x/v1\nkind: Thing\nspec:\n  image: a:1\n  containers: {image: b:1}\n  initContainers:\n  - image: c:1\n";
    assert.deepEqual(written(findKubernetesReferences(text, "thing.yaml")), ["7 c:1"]);
  });
});

describe("findWorkflowReferences", () => {
  it("reads container and service images in both forms", () => {
    const text =
      "jobs:\n  a:\n    container: {image: a:1}\n    services:\n      s: b:1\n      t: {image: c:1}\n  b:\n    runs-on: x\n";
    assert.deepEqual(written(findWorkflowReferences(text, "ci.yml")), ["3 a:1", "5 b:1", "6 c:1"]);
  });

  it("finds nothing in a workflow without jobs", () => {
    assert.deepEqual(findWorkflowReferences("on: push\n", "ci.yml"), []);
  });
});

describe("references built from variables that carry a digest", () => {
  it("counts a compose image stitched from variables but pinned by a literal digest as pinned", () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const text = `services:\n  a:\n    image: \${REGISTRY:-ghcr.io}/x:\${TAG:-1}@${digest}\n`;
    const [found] = findComposeReferences(text, "compose.yaml");
    assert.equal(found?.unpinnable, undefined);
    assert.equal(found?.resolved, `ghcr.io/x:1@${digest}`);
    assert.equal(found?.pinTarget?.text, `@${digest}`);
  });
});
