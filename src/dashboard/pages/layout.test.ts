import { test } from "node:test";
import assert from "node:assert/strict";
import { detailText } from "./layout.js";

test("an event's detail is shown cut short, however long the registry's error text was", () => {
  const message = `Cannot fetch manifest: HTTP 500 — registry says ${"A".repeat(64 * 1024)}`;
  const shown = detailText({ code: "REGISTRY_ERROR", message });
  assert.ok(shown.length <= 401, `${shown.length} characters`);
  assert.match(shown, /^REGISTRY_ERROR: Cannot fetch manifest: HTTP 500/);
  assert.ok(shown.endsWith("…"));
  assert.equal(detailText({ code: "NETWORK", message: "short" }), "NETWORK: short");
});
