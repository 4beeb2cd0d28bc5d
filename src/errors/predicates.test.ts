import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "./error.js";
import {
  isAborted,
  isCode,
  isContentMismatch,
  isDigestguardError,
  isIntegrityError,
  isNotFound,
  isUnavailable,
} from "./predicates.js";

const error = (code: ConstructorParameters<typeof DigestguardError>[0]) =>
  new DigestguardError(code, "Cannot test: reason.");
const plain = new Error("ABORTED");
const lookalike = { code: "ABORTED", exitCode: 130 };

test("isDigestguardError and isCode look at DigestguardErrors only", () => {
  assert.equal(isDigestguardError(error("IO")), true);
  assert.equal(isDigestguardError(plain), false);
  assert.equal(isCode(error("TLS"), "TLS", "NETWORK"), true);
  assert.equal(isCode(error("NETWORK"), "TLS", "NETWORK"), true);
  assert.equal(isCode(error("TIMEOUT"), "TLS", "NETWORK"), false);
  assert.equal(isCode(lookalike, "ABORTED"), false);
  assert.equal(isCode(undefined, "ABORTED"), false);
});

test("isAborted is the ABORTED code and nothing else", () => {
  assert.equal(isAborted(error("ABORTED")), true);
  assert.equal(isAborted(error("NETWORK")), false);
  assert.equal(isAborted(plain), false);
  assert.equal(isAborted(lookalike), false);
});

test("isContentMismatch is a digest or size mismatch; isIntegrityError is every exit-6 code", () => {
  assert.equal(isContentMismatch(error("DIGEST_MISMATCH")), true);
  assert.equal(isContentMismatch(error("SIZE_MISMATCH")), true);
  assert.equal(isContentMismatch(error("DIFF_ID_MISMATCH")), false);
  for (const code of [
    "DIGEST_MISMATCH",
    "SIZE_MISMATCH",
    "DIFF_ID_MISMATCH",
    "MANIFEST_INVALID",
    "MANIFEST_TOO_LARGE",
  ] as const) {
    assert.equal(isIntegrityError(error(code)), true, code);
  }
  assert.equal(isIntegrityError(error("BLOB_UNKNOWN")), false);
});

test("isNotFound and isUnavailable follow the exit code", () => {
  for (const code of ["MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "PLATFORM_NOT_FOUND", "NOT_FOUND"] as const)
    assert.equal(isNotFound(error(code)), true, code);
  assert.equal(isNotFound(error("DENIED")), false);
  for (const code of ["NETWORK", "TIMEOUT", "TLS", "TOO_MANY_REQUESTS", "REGISTRY_UNAVAILABLE"] as const)
    assert.equal(isUnavailable(error(code)), true, code);
  assert.equal(isUnavailable(error("UNAUTHORIZED")), false);
  assert.equal(isNotFound(plain), false);
});
