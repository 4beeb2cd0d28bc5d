import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rankTags } from "./rank-tags.js";

describe("rankTags", () => {
  it("puts the failing tag's variant first, newest-looking first, numbers as numbers", () => {
    assert.deepEqual(
      rankTags(["3.9-slim", "3.10", "latest", "3.10-slim", "3.2-slim", "3.11-slim"], { exclude: "3.11-slim", max: 10 }),
      ["3.10-slim", "3.9-slim", "3.2-slim", "latest", "3.10"],
    );
  });

  it("examines at most max tags and never the failing one", () => {
    const tags = Array.from({ length: 200 }, (_, i) => `1.${i}`);
    const ranked = rankTags(tags, { exclude: "1.199", max: 50 });
    assert.equal(ranked.length, 50);
    assert.equal(ranked[0], "1.198");
    assert.ok(!ranked.includes("1.199"));
  });
});
