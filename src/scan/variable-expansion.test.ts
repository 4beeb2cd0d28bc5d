import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { VariableBinding } from "./expanded-value.js";
import { fileSource } from "./source-text.js";
import { expandComposeValue, expandDockerfileWord } from "./variable-expansion.js";

const BINDINGS: Record<string, VariableBinding> = {
  SET: { value: { ...fileSource("SET=abc", 4, 7), variables: [] } },
  EMPTY: { value: { text: "", offsets: [], variables: [] } },
  NODEFAULT: { unset: "ARG NODEFAULT has no default" },
  ARCH: { varies: "built from ARCH" },
};
const lookup = (name: string): VariableBinding => BINDINGS[name] ?? { unset: `${name} is not declared` };

function dockerfile(word: string, escape = "\\") {
  const expanded = expandDockerfileWord(fileSource(word, 0, word.length), lookup, escape);
  return {
    text: expanded.text,
    problems: expanded.variables.flatMap((use) => (use.problem === undefined ? [] : [use.problem])),
  };
}

describe("expandDockerfileWord", () => {
  const cases: [string, string, string[]][] = [
    ["plain", "plain", []],
    ["$SET-x", "abc-x", []],
    ["${SET}x", "abcx", []],
    ["${SET:-d}", "abc", []],
    ["${NODEFAULT:-d}", "d", []],
    ["${EMPTY:-d}", "d", []],
    ["${EMPTY-d}", "", []],
    ["${NODEFAULT-d}", "d", []],
    ["${SET:+p}", "p", []],
    ["${EMPTY:+p}", "", []],
    ["${EMPTY+p}", "p", []],
    ["${NODEFAULT+p}", "", []],
    ["${SET:?m}", "abc", []],
    ["${NODEFAULT:?m}", "", ["ARG NODEFAULT has no default"]],
    ["$NODEFAULT", "", ["ARG NODEFAULT has no default"]],
    ["${ARCH:-amd64}", "", ["built from ARCH"]],
    ["${NOPE:-${SET}}", "abc", []],
    ["'$SET'", "$SET", []],
    ['"$SET \\$SET \\x"', "abc $SET \\x", []],
    ["\\$SET", "$SET", []],
    ["a$", "a$", []],
    ["$1x", "x", ["1 is not declared"]],
    ["${SET#a}", "", ["uses ${SET#…}, which digestguard does not evaluate"]],
    ["${}", "", ["bad substitution ${}"]],
  ];
  for (const [word, text, problems] of cases) {
    it(`expands ${word}`, () => assert.deepEqual(dockerfile(word), { text, problems }));
  }

  it("uses the escape directive's character", () => {
    assert.deepEqual(dockerfile("`$SET\\x", "`"), { text: "$SET\\x", problems: [] });
  });

  it("ties each output character to the file offset it came from", () => {
    const word = "x${NOPE:-ab}${SET}";
    const expanded = expandDockerfileWord(fileSource(word, 0, word.length), lookup, "\\");
    assert.equal(expanded.text, "xababc");
    assert.deepEqual(expanded.offsets, [0, 9, 10, 4, 5, 6]);
    assert.deepEqual(
      expanded.variables.map((use) => [use.name, use.from, use.to]),
      [
        ["NOPE", 1, 3],
        ["SET", 3, 6],
      ],
    );
  });
});

describe("expandComposeValue", () => {
  const cases: [string, string, string[]][] = [
    ["nginx:1.25", "nginx:1.25", []],
    ["${IMAGE:-nginx:1.25}", "nginx:1.25", []],
    ["${IMAGE-nginx}", "nginx", []],
    ["${A:-${B:-x}}", "x", []],
    ["${IMAGE}", "", ["variable IMAGE has no default"]],
    ["$IMAGE", "", ["variable IMAGE has no default"]],
    ["${IMAGE:?must be set}", "", ["variable IMAGE has no default"]],
    ["${IMAGE:+x}y", "y", []],
    ["a$$b", "a$b", []],
    ["'quoted' \\x", "'quoted' \\x", []],
  ];
  for (const [value, text, problems] of cases) {
    it(`interpolates ${value}`, () => {
      const expanded = expandComposeValue(fileSource(value, 0, value.length));
      assert.deepEqual(
        { text: expanded.text, problems: expanded.variables.flatMap((use) => use.problem ?? []) },
        { text, problems },
      );
    });
  }
});
