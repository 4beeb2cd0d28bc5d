import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { findDockerfileReferences } from "./dockerfile-references.js";
import { applyEdits, pinEdit, pinnedText, unpinEdit, unpinnedText } from "./rewrite.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const C512 = `sha512:${"c".repeat(128)}`;

function hasCode(code: string) {
  return (error: unknown) =>
    error instanceof DigestguardError && error.code === code && error.message.startsWith("Cannot ");
}

describe("applyEdits", () => {
  it("applies edits given in any order", () => {
    const edits = [
      { start: 6, end: 7, replacement: "Z" },
      { start: 0, end: 1, replacement: "xy" },
      { start: 3, end: 3, replacement: "+" },
    ];
    assert.equal(applyEdits("abcdefgh", edits), "xybc+defZh");
  });

  it("applies the same edit given twice once", () => {
    const edit = { start: 1, end: 2, replacement: "B" };
    assert.equal(applyEdits("abc", [edit, { ...edit }]), "aBc");
  });

  it("refuses overlapping edits, two inserts at one point, and edits outside the text", () => {
    assert.throws(
      () =>
        applyEdits("abcdef", [
          { start: 0, end: 3, replacement: "" },
          { start: 2, end: 4, replacement: "" },
        ]),
      hasCode("USAGE"),
    );
    assert.throws(
      () =>
        applyEdits("abc", [
          { start: 1, end: 1, replacement: "x" },
          { start: 1, end: 1, replacement: "y" },
        ]),
      hasCode("USAGE"),
    );
    assert.throws(() => applyEdits("abc", [{ start: 2, end: 4, replacement: "" }]), hasCode("USAGE"));
    assert.throws(() => applyEdits("abc", [{ start: 2, end: 1, replacement: "" }]), hasCode("USAGE"));
  });

  it("allows edits that touch", () => {
    assert.equal(
      applyEdits("abcd", [
        { start: 0, end: 2, replacement: "X" },
        { start: 2, end: 4, replacement: "Y" },
      ]),
      "XY",
    );
  });
});

describe("pinnedText and unpinnedText", () => {
  it("appends the digest, keeping the reference exactly as written", () => {
    assert.equal(pinnedText("nginx", A), `nginx@${A}`);
    assert.equal(pinnedText("nginx:1.25", A), `nginx:1.25@${A}`);
    assert.equal(pinnedText("localhost:5000/App_x:1", A), `localhost:5000/App_x:1@${A}`);
  });

  it("replaces a digest already there", () => {
    assert.equal(pinnedText(`nginx:1.25@${B}`, A), `nginx:1.25@${A}`);
    assert.equal(pinnedText(`nginx@${C512}`, A), `nginx@${A}`);
    assert.equal(pinnedText("nginx@sha256:short", A), `nginx@${A}`);
  });

  it("refuses something that is not a digest", () => {
    assert.throws(() => pinnedText("nginx", "sha256:abc"), hasCode("DIGEST_INVALID"));
    assert.throws(() => pinnedText("nginx", "latest"), hasCode("DIGEST_INVALID"));
  });

  it("strips only a well-formed digest", () => {
    assert.equal(unpinnedText(`nginx:1.25@${A}`), "nginx:1.25");
    assert.equal(unpinnedText(`nginx@${C512}`), "nginx");
    assert.equal(unpinnedText("nginx:1.25"), "nginx:1.25");
    assert.equal(unpinnedText("nginx@sha256:short"), "nginx@sha256:short");
  });
});

describe("pinEdit and unpinEdit", () => {
  it("pin at the reference, or at its ARG default", () => {
    const text = "ARG BASE=alpine:3\nFROM $BASE\nFROM nginx:1\n";
    const edits = findDockerfileReferences(text, "D").map((reference) => pinEdit(reference, A));
    assert.equal(applyEdits(text, edits), `ARG BASE=alpine:3@${A}\nFROM $BASE\nFROM nginx:1@${A}\n`);
  });

  it("refuse to pin what cannot be pinned, naming where it is", () => {
    const [scratch] = findDockerfileReferences("\nFROM scratch\n", "app.Dockerfile");
    assert.throws(
      () => pinEdit(scratch!, A),
      (error: unknown) => error instanceof DigestguardError && /app\.Dockerfile:2: scratch/.test(error.message),
    );
  });

  it("unpin only what carries a digest", () => {
    const text = `FROM a:1@${A}\nFROM b:2\n`;
    const [pinned, bare] = findDockerfileReferences(text, "D");
    assert.deepEqual(unpinEdit(pinned!), { start: 5, end: 5 + `a:1@${A}`.length, replacement: "a:1" });
    assert.equal(unpinEdit(bare!), undefined);
  });
});
