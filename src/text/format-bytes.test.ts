import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes } from "./format-bytes.js";

const cases: [number, string][] = [
  [0, "0 B"],
  [999, "999 B"],
  [1000, "1.0 KB"],
  [1_500_000, "1.5 MB"],
  [531_000_000, "531.0 MB"],
  [2_000_000_000_000_000, "2000.0 TB"],
];

for (const [bytes, expected] of cases) {
  test(`formatBytes(${bytes}) is ${expected}`, () => assert.equal(formatBytes(bytes), expected));
}
