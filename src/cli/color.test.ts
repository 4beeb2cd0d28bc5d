import { test } from "node:test";
import assert from "node:assert/strict";
import { painter, useColor } from "./color.js";

test("colour: a typed flag decides; auto means a terminal without NO_COLOR", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(useColor(undefined, tty, {}), true);
  assert.equal(useColor("auto", pipe, {}), false);
  assert.equal(useColor("auto", tty, { NO_COLOR: "1" }), false);
  assert.equal(useColor("auto", tty, { NO_COLOR: "" }), true, "an empty NO_COLOR is unset (no-color.org)");
  assert.equal(useColor("always", pipe, { NO_COLOR: "1" }), true);
  assert.equal(useColor("never", tty, {}), false);
});

test("painter wraps text in SGR codes only when enabled", () => {
  assert.equal(painter(true)("bad", "FAILED"), "\u001b[31mFAILED\u001b[0m");
  assert.equal(painter(false)("bad", "FAILED"), "FAILED");
});
