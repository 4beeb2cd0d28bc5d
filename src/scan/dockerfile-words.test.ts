import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFlags, splitFields, splitQuotedWords, unquoteFlagValue } from "./dockerfile-words.js";
import { contiguousRange, fileSource } from "./source-text.js";

const source = (text: string) => fileSource(text, 0, text.length);

describe("Dockerfile words", () => {
  it("splits FROM fields on spaces and tabs only", () => {
    assert.deepEqual(
      splitFields(source(' a \t"b c"  d ')).map((w) => w.text),
      ["a", '"b', 'c"', "d"],
    );
  });

  it("splits quoted words, keeping quotes and escapes in them", () => {
    assert.deepEqual(
      splitQuotedWords(source(`A="x y" B='p q' C=\\ z`), "\\").map((w) => w.text),
      ['A="x y"', "B='p q'", "C=\\ z"],
    );
    assert.deepEqual(
      splitQuotedWords(source('A=`" b'), "`").map((w) => w.text),
      ['A=`"', "b"],
    );
  });

  it("takes leading flags off, with quotes and a -- terminator", () => {
    const { flags, rest } = extractFlags(source(`--from="a b" --link --chmod=755  /x /y  `));
    assert.deepEqual(
      flags.map((f) => [f.name, f.value?.text]),
      [
        ["from", '"a b"'],
        ["link", undefined],
        ["chmod", "755"],
      ],
    );
    assert.equal(rest.text, "/x /y");
    assert.deepEqual(extractFlags(source("-- --from=x /y")).rest.text, "--from=x /y");
    assert.deepEqual(extractFlags(source("-x --from=a")).flags, []);
  });

  it("unquotes a flag value, keeping each character's offset", () => {
    const raw = source(`"a:1"\\x'b'`);
    const value = unquoteFlagValue(raw);
    assert.equal(value.text, "a:1xb");
    assert.deepEqual(value.offsets, [1, 2, 3, 6, 8]);
    assert.deepEqual(contiguousRange(raw.text, unquoteFlagValue(source('"a:1"'))), { start: 1, end: 4 });
    assert.equal(contiguousRange(raw.text, value), undefined);
  });
});
