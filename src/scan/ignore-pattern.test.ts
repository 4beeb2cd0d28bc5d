import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseIgnoreFile, parseIgnoreLine } from "./ignore-pattern.js";

/** Whether the last matching pattern of `lines` ignores `path` (relative to the ignore file's folder). */
function ignored(lines: string, path: string, isDirectory = false): boolean | undefined {
  let verdict: boolean | undefined;
  for (const pattern of parseIgnoreFile(lines)) if (pattern.matches(path, isDirectory)) verdict = !pattern.negated;
  return verdict;
}

describe("gitignore patterns", () => {
  const cases: [string, string, boolean, boolean | undefined][] = [
    ["vendor", "vendor", true, true],
    ["vendor", "a/b/vendor", true, true],
    ["vendor", "a/vendor/x", false, undefined], // the walk never enters vendor/; the file itself does not match
    ["vendor/", "vendor", false, undefined], // a trailing slash matches folders only
    ["vendor/", "x/vendor", true, true],
    ["/build", "build", true, true],
    ["/build", "a/build", true, undefined], // a leading slash anchors to the ignore file's folder
    ["doc/frotz", "doc/frotz", true, true],
    ["doc/frotz", "a/doc/frotz", true, undefined], // a slash in the middle anchors too
    ["*.Dockerfile", "svc/api.Dockerfile", false, true],
    ["svc/*.Dockerfile", "svc/deep/api.Dockerfile", false, undefined], // * does not cross /
    ["Dockerfile.?", "Dockerfile.a", false, true],
    ["Dockerfile.[ab]", "Dockerfile.b", false, true],
    ["Dockerfile.[!ab]", "Dockerfile.b", false, undefined],
    ["**/testdata", "x/y/testdata", true, true],
    ["**/testdata", "testdata", true, true],
    ["testdata/**", "testdata/a/Dockerfile", false, true],
    ["a/**/b", "a/b", true, true],
    ["a/**/b", "a/x/y/b", true, true],
    ["*\n!keep.Dockerfile", "keep.Dockerfile", false, false],
    ["# a comment\n\n  \n", "# a comment", false, undefined],
    ["\\#hash", "#hash", false, true],
    ["\\!bang", "!bang", false, true],
    ["trailing   ", "trailing", false, true],
    ["trailing\\ ", "trailing ", false, true],
    ["*.tmp\r", "x.tmp", false, true], // CRLF ignore files
  ];
  for (const [lines, path, isDirectory, expected] of cases) {
    it(`${JSON.stringify(lines)} on ${path}${isDirectory ? "/" : ""}: ${expected === undefined ? "no match" : expected ? "ignored" : "kept"}`, () => {
      assert.equal(ignored(lines, path, isDirectory), expected);
    });
  }

  it("skips comments and blank lines", () => {
    assert.equal(parseIgnoreLine("# x"), undefined);
    assert.equal(parseIgnoreLine("   "), undefined);
  });
});
