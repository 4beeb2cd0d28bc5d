import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError, type ErrorCode } from "../errors/error.js";
import { EMPTY_SHA256 } from "../oci/digest.js";
import { renderVerify, verifyExitCode } from "../verify/render-verify.js";
import { checkFailure, type BlobCheck, type VerifyReport } from "./verify-report.js";

const expected = `sha256:${"a".repeat(64)}`;
const actual = `sha256:${"b".repeat(64)}`;

function failure(code: ErrorCode, details: Record<string, unknown> = {}): DigestguardError {
  return new DigestguardError(code, `Cannot do it (${code}).`, { details });
}

describe("checkFailure: the plain words for each failure", () => {
  const cases: [string, DigestguardError | Error, string][] = [
    [
      "equal size, other content",
      failure("DIGEST_MISMATCH", { expectedDigest: expected, actualDigest: actual, expectedSize: 10, received: 10 }),
      "content differs although the size is equal",
    ],
    [
      "the hash of zero bytes",
      failure("DIGEST_MISMATCH", {
        expectedDigest: expected,
        actualDigest: EMPTY_SHA256,
        expectedSize: 0,
        received: 0,
      }),
      "body empty (the sha256 of zero bytes)",
    ],
    ["nothing received", failure("SIZE_MISMATCH", { expectedSize: 10, received: 0 }), "body empty"],
    ["too few bytes", failure("SIZE_MISMATCH", { expectedSize: 10, received: 4 }), "body truncated (4 of 10 bytes)"],
    ["too many bytes", failure("SIZE_MISMATCH", { expectedSize: 10, received: 11 }), "body longer than declared"],
    ["a missing blob", failure("BLOB_UNKNOWN"), "not found"],
    ["a missing manifest", failure("MANIFEST_UNKNOWN"), "not found"],
    ["no access", failure("DENIED"), "unauthorized"],
    [
      "a cut connection, with progress",
      failure("NETWORK", { expectedSize: 10, received: 3 }),
      "network failure after 3 of 10 bytes",
    ],
    ["a cut connection", failure("NETWORK"), "network failure"],
    [
      "a stall",
      failure("TIMEOUT", { expectedSize: 10, received: 3 }),
      "timed out (stalled body or unresponsive registry) after 3 of 10 bytes",
    ],
    [
      "a layer that does not decompress",
      failure("DIFF_ID_MISMATCH"),
      "the compressed blob is intact, but it does not decompress",
    ],
    ["rate limited", failure("TOO_MANY_REQUESTS"), "too many requests"],
    ["not one of ours", new Error("boom"), "unexpected failure"],
  ];
  for (const [name, error, meaning] of cases) test(name, () => assert.equal(checkFailure(error).meaning, meaning));

  test("digests and sizes are carried over", () => {
    assert.deepEqual(
      checkFailure(
        failure("DIGEST_MISMATCH", { expectedDigest: expected, actualDigest: actual, expectedSize: 3, received: 3 }),
      ),
      {
        code: "DIGEST_MISMATCH",
        meaning: "content differs although the size is equal",
        message: "Cannot do it (DIGEST_MISMATCH).",
        expectedDigest: expected,
        actualDigest: actual,
        expectedSize: 3,
        received: 3,
      },
    );
  });
});

function report(blobs: BlobCheck[], problems: VerifyReport["problems"] = []): VerifyReport {
  const failed = blobs.filter((b) => b.status === "failed").length + problems.length;
  return {
    schemaVersion: 1,
    reference: "example.test/app:1.0",
    digest: expected,
    kind: "index",
    mode: "full",
    ok: failed === 0,
    manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", digest: expected, size: 500, status: "ok" }],
    blobs,
    problems,
    totals: { blobs: blobs.length, bytes: 1000, failed, seconds: 0.5 },
  };
}

const okLayer: BlobCheck = {
  role: "layer",
  platform: "linux/amd64",
  layerIndex: 0,
  mediaType: "x",
  digest: actual,
  size: 1000,
  status: "ok",
  resumes: 2,
};
const badLayer = (code: ErrorCode): BlobCheck => ({
  ...okLayer,
  layerIndex: 1,
  digest: expected,
  status: "failed",
  resumes: undefined,
  failure: checkFailure(
    failure(code, { expectedDigest: expected, actualDigest: actual, expectedSize: 1000, received: 1000 }),
  ),
});

describe("renderVerify and verifyExitCode", () => {
  test("a failure shows platform, layer index, meaning, expected and actual", () => {
    const text = renderVerify(report([okLayer, badLayer("DIGEST_MISMATCH")]));
    assert.match(text, /ok {4} {2}linux\/amd64 layer 0 .*\(resumed 2×\)/);
    assert.match(text, /FAILED {2}linux\/amd64 layer 1 +sha256:a{64}/);
    assert.match(
      text,
      /content differs although the size is equal \[DIGEST_MISMATCH\]\n {10}expected sha256:a{64} \(1000 bytes\)\n {10}actual {3}sha256:b{64} \(1000 bytes received\)/,
    );
    assert.match(text, /^Result: FAILED — 1 problem \(/m);
    assert.doesNotMatch(
      renderVerify(report([okLayer, badLayer("DIGEST_MISMATCH")]), { quiet: true }),
      /layer 0/,
      "quiet prints failures only",
    );
  });

  test("a transfer that gave up partway says so instead of a size mismatch", () => {
    const cut = {
      ...badLayer("NETWORK"),
      failure: checkFailure(failure("NETWORK", { expectedDigest: expected, expectedSize: 1000, received: 400 })),
    };
    const text = renderVerify(report([cut]));
    assert.match(text, /network failure after 400 of 1000 bytes \[NETWORK\]/);
    assert.match(text, /actual {3}\(not hashed: transfer incomplete\) \(400 bytes received\)/);
  });

  test("exit codes: 0 when all verified, the failure's documented code otherwise", () => {
    assert.equal(verifyExitCode([report([okLayer])]), 0);
    assert.equal(verifyExitCode([report([okLayer, badLayer("DIGEST_MISMATCH")])]), 6);
    assert.equal(verifyExitCode([report([badLayer("BLOB_UNKNOWN")])]), 3);
    assert.equal(
      verifyExitCode([report([okLayer], [{ message: "the manifest lists 2 layers but the config lists 1 diff_ids" }])]),
      6,
    );
    assert.equal(
      verifyExitCode([report([okLayer]), report([badLayer("TIMEOUT")])]),
      5,
      "the first failing report decides",
    );
  });
});
