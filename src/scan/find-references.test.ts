import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyFile, findReferencesInFile, type FileKind } from "./find-references.js";

const NAMES: [string, FileKind | undefined][] = [
  ["Dockerfile", "dockerfile"],
  ["dockerfile", "dockerfile"],
  ["build/Dockerfile.prod", "dockerfile"],
  ["api.Dockerfile", "dockerfile"],
  ["Containerfile", "dockerfile"],
  ["Containerfile.arm64", "dockerfile"],
  ["base.containerfile", "dockerfile"],
  ["Dockerfile.dockerignore", undefined],
  ["Dockerfile.md", undefined],
  [".Dockerfile", undefined],
  ["compose.yaml", "compose"],
  ["compose.yml", "compose"],
  ["compose.override.yaml", "compose"],
  ["docker-compose.yml", "compose"],
  ["docker-compose.prod.yaml", "compose"],
  ["docker-compose-dev.yml", "compose"],
  ["my-compose.yaml", "kubernetes"],
  [".github/workflows/ci.yml", "workflow"],
  ["repo/.github/workflows/release.yaml", "workflow"],
  [".github/ci.yml", "kubernetes"],
  ["deploy/app.yaml", "kubernetes"],
  ["C:\\src\\Dockerfile", "dockerfile"],
  ["README.md", undefined],
  ["values.json", undefined],
];

describe("classifyFile", () => {
  for (const [path, kind] of NAMES) {
    it(`reads ${path} as ${kind ?? "nothing"}`, () => assert.equal(classifyFile(path), kind));
  }
});

describe("findReferencesInFile", () => {
  it("reads a file by its name, and an unknown name as a Dockerfile", () => {
    assert.equal(findReferencesInFile("services:\n  a:\n    image: a:1\n", "compose.yaml")[0]?.kind, "compose-image");
    assert.equal(findReferencesInFile("FROM a:1\n", "docker/app.build")[0]?.kind, "from");
  });
});
