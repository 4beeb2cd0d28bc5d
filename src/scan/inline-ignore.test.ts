import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findReferencesInFile } from "./find-references.js";
import { ignoredByComment } from "./inline-ignore.js";

function kept(text: string, file: string): string[] {
  return findReferencesInFile(text, file)
    .filter((found) => !ignoredByComment(text, found))
    .map((found) => `${found.line} ${found.written}`);
}

describe("# digestguard: ignore", () => {
  it("leaves a Dockerfile reference alone when the comment is on the line before or at the end of its line", () => {
    const text = "FROM a:1\n# digestguard: ignore\nFROM b:1\nFROM c:1 # digestguard: ignore\nCOPY --from=d:1 / /\n";
    assert.deepEqual(kept(text, "Dockerfile"), ["1 a:1", "5 d:1"]);
  });

  it("leaves a YAML image alone when the comment is on its line or the line before", () => {
    const text =
      "services:\n  a:\n    image: a:1 # digestguard: ignore\n  b:\n    # digestguard:ignore\n    image: b:1\n  c:\n    image: c:1\n";
    assert.deepEqual(kept(text, "compose.yaml"), ["8 c:1"]);
  });

  it("takes the comment only before the reference or on a comment line: an ignore two lines up or in a value does not count", () => {
    const text = "# digestguard: ignore\n\nFROM a:1\nRUN echo '# digestguard: ignore'\nFROM b:1\n";
    assert.deepEqual(kept(text, "Dockerfile"), ["3 a:1", "5 b:1"]);
  });
});
