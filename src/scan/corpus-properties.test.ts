import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCorpus } from "../../test/corpus/load-corpus.js";
import { digestOf } from "../oci/digest.js";
import { findReferences } from "./discover-files.js";
import type { FoundReference } from "./found-reference.js";
import { applyEdits, pinEdit, unpinEdit, unpinnedText, type TextEdit } from "./rewrite.js";

const CORPUS = loadCorpus();

/** A digest that depends only on the reference without its digest, so pinning again picks the same one. */
function fakeDigest(reference: FoundReference): string {
  return digestOf(unpinnedText(reference.pinTarget?.text ?? reference.written));
}

function pinnable(reference: FoundReference): boolean {
  return reference.resolved !== undefined && reference.unpinnable === undefined;
}

function pinEdits(references: FoundReference[]): TextEdit[] {
  return references.filter(pinnable).map((reference) => pinEdit(reference, fakeDigest(reference)));
}

function unpinAll(text: string, references: FoundReference[]): string {
  return applyEdits(
    text,
    references.map(unpinEdit).filter((edit): edit is TextEdit => edit !== undefined),
  );
}

/**
 * Whether `after` equals `before` outside the edited ranges, checked piece
 * by piece (without applyEdits, which is what is under test) and in bytes.
 */
function onlyEditedRangesChanged(before: string, after: string, edits: TextEdit[]): boolean {
  const unique = [...new Map(edits.map((edit) => [`${edit.start}:${edit.end}`, edit])).values()];
  unique.sort((a, b) => a.start - b.start);
  let from = 0;
  let shift = 0;
  for (const edit of unique) {
    if (after.slice(from + shift, edit.start + shift) !== before.slice(from, edit.start)) return false;
    if (after.slice(edit.start + shift, edit.start + shift + edit.replacement.length) !== edit.replacement)
      return false;
    shift += edit.replacement.length - (edit.end - edit.start);
    from = edit.end;
  }
  const tailMatches = after.slice(from + shift) === before.slice(from);
  const bytes = (text: string) => Buffer.byteLength(text, "utf8");
  const byteDelta = unique.reduce(
    (sum, edit) => sum + bytes(edit.replacement) - bytes(before.slice(edit.start, edit.end)),
    0,
  );
  return tailMatches && bytes(after) === bytes(before) + byteDelta;
}

describe("pinning the corpus", () => {
  for (const file of CORPUS) {
    // Computed inside each test, so a file that fails to read fails its own tests only.
    const pinFile = () => {
      const original = findReferences(file.text, file.name, file.kind);
      const edits = pinEdits(original);
      const pinned = applyEdits(file.text, edits);
      return { original, edits, pinned, repinned: findReferences(pinned, file.name, file.kind) };
    };

    it(`${file.name}: pinning then removing the digests gives back the file without its old pins`, () => {
      const { original, pinned, repinned } = pinFile();
      const withoutOldPins = unpinAll(file.text, original);
      assert.equal(unpinAll(pinned, repinned), withoutOldPins);
      if (original.every((reference) => unpinEdit(reference) === undefined)) {
        assert.equal(unpinAll(pinned, repinned), file.text, "a file without pins comes back byte for byte");
      }
    });

    it(`${file.name}: pinning twice changes nothing the second time`, () => {
      const { pinned, repinned } = pinFile();
      assert.equal(applyEdits(pinned, pinEdits(repinned)), pinned);
    });

    it(`${file.name}: nothing outside the edited ranges changes`, () => {
      const { edits, pinned } = pinFile();
      assert.ok(onlyEditedRangesChanged(file.text, pinned, edits));
    });

    it(`${file.name}: the pinned file has the same references, pinned`, () => {
      const { original, repinned } = pinFile();
      assert.deepEqual(
        repinned.map((r) => [r.kind, r.line, r.unpinnable]),
        original.map((r) => [r.kind, r.line, r.unpinnable]),
      );
      for (const [index, before] of original.entries()) {
        const after = repinned[index] as FoundReference;
        if (!pinnable(before)) continue;
        assert.equal(after.resolved, `${unpinnedText(before.resolved as string)}@${fakeDigest(before)}`);
      }
    });
  }

  it("notices a change outside the edited ranges (the property can fail)", () => {
    const text = "FROM alpine:3.19\nRUN true\n";
    const [reference] = findReferences(text, "Dockerfile", "dockerfile");
    const edit = pinEdit(reference as FoundReference, digestOf("x"));
    const pinned = applyEdits(text, [edit]);
    assert.ok(onlyEditedRangesChanged(text, pinned, [edit]));
    assert.ok(!onlyEditedRangesChanged(text, pinned.replace("RUN", "run"), [edit]));
    assert.ok(!onlyEditedRangesChanged(text, `${pinned} `, [edit]));
    assert.ok(!onlyEditedRangesChanged(text, pinned.replace("\n", "\r\n"), [edit]));
  });

  it("finds the same references whether a file uses LF or CRLF", () => {
    for (const file of CORPUS.filter((candidate) => !candidate.text.includes("\r\n"))) {
      const lf = findReferences(file.text, file.name, file.kind);
      const crlf = findReferences(file.text.replaceAll("\n", "\r\n"), file.name, file.kind);
      const shape = (r: FoundReference) => [
        r.kind,
        r.line,
        r.written.replaceAll("\r\n", "\n"),
        r.resolved,
        r.unpinnable,
        r.pinTarget?.text,
      ];
      assert.deepEqual(crlf.map(shape), lf.map(shape), file.name);
    }
  });
});
