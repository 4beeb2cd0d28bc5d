import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { checkError } from "./check-target.js";

const at = "2026-01-01T00:00:00.000Z";
const ref = "127.0.0.1:5000/app:1";

describe("checkError", () => {
  it("stores at most 2 KiB of a registry's error text, cut between characters and marked", () => {
    // A registry may answer up to 64 KiB of error body; every check-error of an outage would store it whole.
    const body = "é€😀".repeat((64 * 1024) / 9);
    const event = checkError(ref, at, new DigestguardError("REGISTRY_UNAVAILABLE", `Cannot reach: ${body}`));
    const message = String(event.detail?.["message"]);
    assert.ok(Buffer.byteLength(message) <= 2048, `${Buffer.byteLength(message)} bytes`);
    assert.ok(message.startsWith("Cannot reach: é€😀"));
    assert.doesNotMatch(message, /\uFFFD/, "no character is cut in half");
    assert.match(message, /… \[\d+ more bytes cut\]$/);
    assert.equal(Buffer.from(message).toString(), message);
    assert.equal(event.detail?.["code"], "REGISTRY_UNAVAILABLE");
  });

  it("keeps a short error text whole", () => {
    const event = checkError(ref, at, new Error("Cannot reach 127.0.0.1:5000: connection refused"));
    assert.equal(event.detail?.["message"], "Cannot reach 127.0.0.1:5000: connection refused");
  });
});
