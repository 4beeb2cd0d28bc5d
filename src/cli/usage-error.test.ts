import { test } from "node:test";
import assert from "node:assert/strict";
import { argvAsksForJson } from "./usage-error.js";

test("JSON is asked for by --json, --format json and --format=json, not after --", () => {
  assert.equal(argvAsksForJson(["node", "dg", "tags", "--json"]), true);
  assert.equal(argvAsksForJson(["node", "dg", "check", "--format", "json"]), true);
  assert.equal(argvAsksForJson(["node", "dg", "check", "--format=json"]), true);
  assert.equal(argvAsksForJson(["node", "dg", "check", "--format", "sarif"]), false);
  assert.equal(argvAsksForJson(["node", "dg", "diagnose", "--", "--json"]), false);
});
