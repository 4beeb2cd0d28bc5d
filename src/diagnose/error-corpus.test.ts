import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { corpusTable, loadErrorCorpus, scoreErrorCorpus, type CorpusFigure } from "../../test/support/error-corpus.js";
import { classifyCause } from "./classify-cause.js";
import { parseErrorText } from "./parse-error-text.js";

// The targets the diagnose issue sets, as shares of the texts each figure applies to.
const TARGETS: Record<string, number> = {
  "shape recognised": 0.95,
  "full digests, where the text has one": 0.95,
  "blob kind, where the text says it": 0.9,
  "image, where the text names one": 0.9,
  "texts with no invented digest": 1,
  "non-integrity texts called so, without pin advice": 1,
};

describe("the error corpus: texts users pasted in public issue threads (test/fixtures/error-corpus)", () => {
  const corpus = loadErrorCorpus();
  const figures = scoreErrorCorpus(corpus, (text) => {
    const parsed = parseErrorText(text);
    return { ...parsed, verdict: classifyCause(parsed, undefined, []) };
  });

  it("holds at least 120 texts, each with its source thread", () => {
    assert.ok(corpus.length >= 120, `only ${corpus.length} texts`);
    for (const { name, expect } of corpus)
      assert.match(expect.source, /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/, name);
  });

  for (const f of figures) {
    it(`${f.label}: at least ${(TARGETS[f.label] ?? 1) * 100} %`, (t) => {
      t.diagnostic(`${f.passed}/${f.total}`);
      assert.ok(f.total > 0);
      assert.ok(f.passed / f.total >= (TARGETS[f.label] ?? 1), explain(f));
    });
  }

  it("prints the table", (t) => {
    for (const line of corpusTable(figures).split("\n")) t.diagnostic(line);
  });
});

function explain(f: CorpusFigure): string {
  return `${f.label}: ${f.passed}/${f.total}; misses:\n  ${f.failures.join("\n  ")}`;
}
