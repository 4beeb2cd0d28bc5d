import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rateLimitRemaining } from "./rate-limit.js";

describe("rateLimitRemaining", () => {
  it("reads the count before the window", () => {
    assert.equal(rateLimitRemaining("100;w=21600"), 100);
    assert.equal(rateLimitRemaining(" 0 ;w=21600"), 0);
    assert.equal(rateLimitRemaining("7"), 7);
  });
  it("says nothing for an absent or malformed header", () => {
    assert.equal(rateLimitRemaining(undefined), undefined);
    assert.equal(rateLimitRemaining(""), undefined);
    assert.equal(rateLimitRemaining("-1;w=1"), undefined);
    assert.equal(rateLimitRemaining("many"), undefined);
    assert.equal(rateLimitRemaining("99999999999999999999"), undefined);
  });
});
