import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { WatchEvent } from "../history/history-store.js";
import { withoutRepeats } from "./repeat-events.js";

const at = "2026-01-01T00:00:00.000Z";
const reference = "127.0.0.1:5000/app:1";
const vanished = (pin: string): WatchEvent => ({ kind: "pin-vanished", reference, at, from: pin });
const failed = (code: string): WatchEvent => ({ kind: "check-error", reference, at, detail: { code } });

describe("withoutRepeats", () => {
  it("records a condition once, keeps it open while it lasts, and again after it ended", () => {
    const first = withoutRepeats([vanished("p1"), failed("TIMEOUT")], new Set(), { checked: true });
    assert.deepEqual(first.events.length, 2);
    const again = withoutRepeats([vanished("p1"), failed("TIMEOUT")], new Set(first.conditions), { checked: true });
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.conditions.sort(), first.conditions.sort());
    const ended = withoutRepeats([], new Set(again.conditions), { checked: true });
    assert.deepEqual(ended.conditions, []);
    assert.equal(withoutRepeats([vanished("p1")], new Set(ended.conditions), { checked: true }).events.length, 1);
  });

  it("keeps changes and a new error code, and a failed check keeps the pins it could not look at", () => {
    const open = new Set(["pin-vanished p1", "check-error TIMEOUT"]);
    const moved: WatchEvent = { kind: "moved", reference, at, from: "a", to: "b" };
    const result = withoutRepeats([moved, failed("DENIED")], open, { checked: false });
    assert.deepEqual(
      result.events.map((e) => e.kind),
      ["moved", "check-error"],
    );
    assert.deepEqual(result.conditions.sort(), ["check-error DENIED", "pin-vanished p1"]);
  });

  it("records one event per condition within a check", () => {
    assert.equal(
      withoutRepeats([failed("TIMEOUT"), failed("TIMEOUT")], new Set(), { checked: false }).events.length,
      1,
    );
  });
});
