import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCorpus, type ExpectedReference } from "../../test/corpus/load-corpus.js";
import { classifyFile, findReferences } from "./discover-files.js";
import type { FoundReference } from "./found-reference.js";

const CORPUS = loadCorpus();

function project(found: FoundReference): ExpectedReference {
  const row: ExpectedReference = { kind: found.kind, line: found.line, written: found.written };
  if (found.resolved !== undefined) row.resolved = found.resolved;
  if (found.unpinnable !== undefined) row.unpinnable = found.unpinnable;
  if (found.platform !== undefined) row.platform = found.platform;
  if (found.stage !== undefined) row.stage = found.stage;
  if (found.pinTarget !== undefined) row.pinTarget = found.pinTarget.text;
  return row;
}

describe("reference corpus", () => {
  it("is large and varied enough to mean something", () => {
    const count = (folder: string) => CORPUS.filter((file) => file.name.startsWith(`${folder}/`)).length;
    assert.ok(count("dockerfiles") >= 40, `${count("dockerfiles")} Dockerfiles`);
    assert.ok(count("compose") >= 10, `${count("compose")} compose files`);
    assert.ok(count("kubernetes") >= 3 && count("workflows") >= 2);
    assert.ok(
      CORPUS.some((file) => file.text.includes("\r\n")),
      "some files use CRLF",
    );
    assert.ok(
      CORPUS.some((file) => file.text.startsWith("\uFEFF")),
      "one file starts with a byte-order mark",
    );
  });

  for (const file of CORPUS) {
    it(`finds exactly the expected references in ${file.name}`, () => {
      const found = findReferences(file.text, file.name, file.kind);
      assert.deepEqual(found.map(project), file.expected);
      for (const reference of found) {
        assert.equal(reference.file, file.name);
        assert.equal(
          file.text.slice(reference.start, reference.end),
          reference.written,
          "written is the text at start..end",
        );
        const lineStart = file.text.lastIndexOf("\n", reference.start - 1) + 1;
        assert.equal(reference.column, reference.start - lineStart + 1, "column matches start");
        if (reference.pinTarget !== undefined) {
          assert.equal(file.text.slice(reference.pinTarget.start, reference.pinTarget.end), reference.pinTarget.text);
        }
      }
    });
  }

  it("names every corpus Dockerfile and compose file as what it is", () => {
    for (const file of CORPUS.filter((candidate) => candidate.kind === "dockerfile" || candidate.kind === "compose")) {
      assert.equal(classifyFile(file.name), file.kind, file.name);
      assert.equal(classifyFile(`${file.name}.expected.json`), undefined);
    }
  });
});
