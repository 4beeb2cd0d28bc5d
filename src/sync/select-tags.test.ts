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

  test("a semver range keeps version tags in range and drops the rest, loose forms coerced", () => {
    const all = [
      "3.17",
      "3.18",
      "3.18.4",
      "v3.19",
      "3.19.0-rc1",
      "3.19-alpine",
      "4.0",
      "latest",
      "edge",
      "3",
      "sha256-ab",
    ];
    assert.deepEqual(selectTags(all, { semver: ">=3.18 <4" }, "a"), ["3.18", "3.18.4", "v3.19"]);
    assert.deepEqual(selectTags(all, { semver: "^3" }, "a"), ["3", "3.17", "3.18", "3.18.4", "v3.19"]);
    assert.deepEqual(selectTags(all, { semver: ">=3.18 <4", newest: 1, deny: "^v" }, "a"), ["3.18.4"]);
  });

  test("a semver range that does not parse is a config error naming the key", () => {
    assert.throws(() => selectTags(tags, { semver: ">=three" }, "a"), {
      code: "CONFIG_INVALID",
      message: /tags\.semver/,
    });
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
