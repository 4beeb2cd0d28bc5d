import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareVersions, selectTags } from "./select-tags.js";

const tags = ["3.9", "3.10", "3.10-rc1", "3.8", "edge", "latest", "2.0"];

describe("selectTags", () => {
  test("allow, deny and newest N, in version order", () => {
    assert.deepEqual(selectTags(tags, { allow: "^3\\.", deny: "-rc", newest: 2 }, "a"), ["3.9", "3.10"]);
    assert.deepEqual(selectTags(tags, {}, "a"), ["2.0", "3.8", "3.9", "3.10-rc1", "3.10", "edge", "latest"]);
  });

  test("an exact list keeps only those tags, and a missing one is an error", () => {
    assert.deepEqual(selectTags(tags, { exact: ["latest", "3.8"] }, "a"), ["3.8", "latest"]);
    assert.throws(() => selectTags(tags, { exact: ["3.7"] }, "a"), { code: "NOT_FOUND", message: /no tag 3\.7/ });
  });

  test("a bad regular expression is a config error naming the key", () => {
    assert.throws(() => selectTags(tags, { deny: "(" }, "a"), { code: "CONFIG_INVALID", message: /tags\.deny/ });
  });

  test("versions compare number by number, a pre-release before its release", () => {
    assert.deepEqual(["3.10", "3.9", "3.10-rc1", "3.10-rc2"].sort(compareVersions), [
      "3.9",
      "3.10-rc1",
      "3.10-rc2",
      "3.10",
    ]);
  });
});
