import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { parseErrorText, type ParsedErrorText } from "./parse-error-text.js";

// Compiled to dist/src/diagnose/, the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/error-texts/", import.meta.url));

/** Every field a sidecar may state; one it leaves out must be absent from the result, so no fixture lets the parser invent a value. */
const FIELDS = [
  "shape",
  "tool",
  "expected",
  "actual",
  "actualIsEmpty",
  "refKind",
  "expectedSize",
  "actualSize",
  "namedDiffId",
  "imageReference",
] as const;

interface Sidecar extends Partial<Record<(typeof FIELDS)[number], unknown>> {
  source: string;
  /** How many distinct errors the text holds, when the sidecar says. */
  matches?: number;
}

const texts = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".txt"))
  .sort();

describe("parseErrorText on real and hand-written tool output (test/fixtures/error-texts)", () => {
  it("has recorded fixtures from several real tools", () => {
    const recorded = texts.filter((name) => sidecarOf(name).source.startsWith("recorded with "));
    const tools = new Set(recorded.map((name) => sidecarOf(name).tool));
    assert.ok(recorded.length >= 20, `only ${recorded.length} recorded fixtures`);
    assert.ok(tools.size >= 3, `recorded tools: ${[...tools].join(", ")}`);
  });

  for (const name of texts) {
    it(name, () => {
      const sidecar = sidecarOf(name);
      assert.match(sidecar.source, /^(recorded with |hand-written from )/, "source must say recorded or hand-written");
      assert.notEqual(
        sidecar.shape,
        "unreviewed",
        "review this recording and add it to the expectations in test/support/record-error-texts-cases.ts",
      );
      const parsed = parseErrorText(readFileSync(join(FIXTURES, name), "utf8"));
      for (const field of FIELDS) assert.deepEqual(parsed[field], sidecar[field], `${field} of ${name}`);
      if (sidecar.matches !== undefined)
        assert.equal(parsed.allMatches.length, sidecar.matches, "number of distinct errors");
      checkMatchedLine(parsed);
    });
  }
});

function sidecarOf(textName: string): Sidecar {
  return JSON.parse(readFileSync(join(FIXTURES, textName.replace(/\.txt$/, ".expected.json")), "utf8")) as Sidecar;
}

/** The matched line is the text's own words: it names the digests read from it. */
function checkMatchedLine(parsed: ParsedErrorText): void {
  assert.notEqual(parsed.matchedLine, "");
  assert.equal(parsed.matchedLine, parsed.matchedLine.trim());
  for (const digest of [parsed.expected, parsed.actual]) {
    if (digest !== undefined) assert.ok(parsed.matchedLine.includes(digest.slice(-64)), `matchedLine names ${digest}`);
  }
  if (parsed.shape !== "unknown") {
    assert.ok(
      parsed.allMatches.some((match) => match.matchedLine === parsed.matchedLine && match.shape === parsed.shape),
    );
  }
}
