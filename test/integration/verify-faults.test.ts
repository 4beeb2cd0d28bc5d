import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CheckFailure } from "../../src/image/verify-report.js";
import { assertCacheAfter, assertOutcome, type ExpectedOutcome, type KnownLayer } from "../support/fault-outcome.js";
import { type Fault } from "../support/fault-proxy.js";
import { sha256Of } from "../support/noise-image.js";
import { faultSuite } from "../support/fault-suite.js";
import { registrySkipReason } from "../support/registry.js";
import { cachedFiles, failedChecks, layerCheck, verifyAt } from "../support/verify-run.js";

// Body faults on one layer (linux/arm64, layer 1) of a two-platform image:
// each ends in a verified success after a resume, or in a precise failure of
// exactly that layer — and the cache never holds a wrong byte for it.

const REPO = "faults/app";
const PLATFORM = "linux/arm64";
const FLIP_AT = 1000;

interface FaultCase {
  name: string;
  fault: Fault;
  times?: number;
  expect: ExpectedOutcome;
}

// A cut that keeps recurring: the failure says how far the blob got.
function partway(failure: CheckFailure, layer: KnownLayer): void {
  assert.equal(failure.expectedDigest, layer.descriptor.digest);
  assert.equal(failure.expectedSize, layer.descriptor.size);
  assert.ok(
    (failure.received ?? -1) > 0 && (failure.received ?? Infinity) < layer.descriptor.size,
    `received ${failure.received}`,
  );
}

const CASES: FaultCase[] = [
  {
    name: "one byte flipped: DIGEST_MISMATCH with the digest of the bytes actually served",
    fault: { type: "flip-byte", offset: FLIP_AT },
    expect: {
      codes: ["DIGEST_MISMATCH"],
      meaning: /^content differs although the size is equal$/,
      details: (failure, layer) => {
        const flipped = Buffer.from(layer.bytes);
        flipped[FLIP_AT] = (flipped[FLIP_AT] as number) ^ 0xff;
        assert.equal(failure.expectedDigest, layer.descriptor.digest);
        assert.equal(failure.actualDigest, sha256Of(flipped));
        assert.equal(failure.expectedSize, layer.descriptor.size);
        assert.equal(failure.received, layer.descriptor.size);
      },
    },
  },
  {
    name: "truncated once (clean close): resumed with Range and verified",
    fault: { type: "truncate", keepBytes: 5000 },
    times: 1,
    expect: { ok: true, resumed: true },
  },
  {
    name: "truncated on every read: fails, naming the cut",
    fault: { type: "truncate", keepBytes: 1000 },
    expect: { codes: ["NETWORK"], meaning: /^network failure after \d+ of \d+ bytes$/, details: partway },
  },
  {
    name: "short body once (consistent headers): resumed and verified",
    fault: { type: "short-body", keepBytes: 3000 },
    times: 1,
    expect: { ok: true, resumed: true },
  },
  {
    name: "short body on every read: SIZE_MISMATCH, body truncated",
    fault: { type: "short-body", keepBytes: 1000 },
    expect: {
      codes: ["SIZE_MISMATCH"],
      meaning: /^body truncated \(\d+ of \d+ bytes\)$/,
      details: partway,
    },
  },
  {
    name: "empty body on every read: SIZE_MISMATCH, body empty",
    fault: { type: "empty-body" },
    expect: {
      codes: ["SIZE_MISMATCH"],
      meaning: /^body empty$/,
      details: (failure) => assert.equal(failure.received, 0),
    },
  },
  {
    name: "extra bytes: SIZE_MISMATCH, body longer than declared",
    fault: { type: "extra-bytes", bytes: 7 },
    expect: {
      codes: ["SIZE_MISMATCH"],
      meaning: /^body longer than declared$/,
      details: (failure, layer) => assert.ok((failure.received ?? 0) > layer.descriptor.size),
    },
  },
  {
    name: "connection reset mid-body once: resumed and verified",
    fault: { type: "reset-mid-body", afterBytes: 5000 },
    times: 1,
    expect: { ok: true, resumed: true },
  },
  {
    name: "connection reset on every read: NETWORK failure",
    fault: { type: "reset-mid-body", afterBytes: 1000 },
    expect: { codes: ["NETWORK"], meaning: /^network failure after \d+ of \d+ bytes$/, details: partway },
  },
];

describe("verify through a faulty proxy: body faults", { skip: registrySkipReason() }, () => {
  const suite = faultSuite({ name: "verify-faults", repository: REPO, layerBytes: 24 * 1024, platform: 1, layer: 1 });
  const { caches } = suite;

  for (const c of CASES) {
    for (const withCache of [false, true]) {
      test(`${c.name}${withCache ? " (with --cache)" : ""}`, async () => {
        suite.proxy.setFaults([
          {
            match: { kind: "blob", digest: suite.layer.descriptor.digest },
            ...(c.times ? { times: c.times } : {}),
            fault: c.fault,
          },
        ]);
        const seen = suite.proxy.requests.length;
        const cache = withCache ? await caches.open() : undefined;
        const report = await verifyAt(
          suite.registry,
          suite.proxy.host,
          REPO,
          { tag: "1.0" },
          { ...(cache ? { cache } : {}) },
        );
        const check = layerCheck(report, PLATFORM, 1);
        assert.equal(check.digest, suite.layer.descriptor.digest);
        assertOutcome(report, c.expect, {
          check,
          id: `${PLATFORM}#layer#1`,
          layer: suite.layer,
          requests: suite.proxy.requests.slice(seen),
        });
        if (cache !== undefined) await assertCacheAfter(cache, check, suite.layer);
      });
    }
  }

  test("a blob already in the cache is still read from the source, so a bad source is never reported ok", async () => {
    const cache = await caches.open();
    assert.equal((await verifyAt(suite.registry, suite.proxy.host, REPO, { tag: "1.0" }, { cache })).ok, true);
    suite.proxy.setFaults([
      { match: { kind: "blob", digest: suite.layer.descriptor.digest }, fault: { type: "flip-byte" } },
    ]);
    const seen = suite.proxy.requests.length;
    const report = await verifyAt(suite.registry, suite.proxy.host, REPO, { tag: "1.0" }, { cache });
    assert.ok(
      suite.proxy.requests
        .slice(seen)
        .some((r) => r.method === "GET" && r.path.endsWith(suite.layer.descriptor.digest)),
      "the source was asked",
    );
    assert.equal(report.ok, false);
    assert.deepEqual(failedChecks(report), [`${PLATFORM}#layer#1`]);
    assert.equal(layerCheck(report, PLATFORM, 1).failure?.code, "DIGEST_MISMATCH");
    assert.equal(
      sha256Of((await cachedFiles(cache, suite.layer.descriptor.digest)).blob ?? Buffer.alloc(0)),
      suite.layer.descriptor.digest,
      "the good cached copy stays",
    );
  });

  test("a partial left by a failed run is resumed by the next run", async () => {
    const cache = await caches.open();
    suite.proxy.setFaults([
      {
        match: { kind: "blob", digest: suite.layer.descriptor.digest },
        fault: { type: "short-body", keepBytes: 2000 },
      },
    ]);
    assert.equal((await verifyAt(suite.registry, suite.proxy.host, REPO, { tag: "1.0" }, { cache })).ok, false);
    const partial = (await cachedFiles(cache, suite.layer.descriptor.digest)).partial;
    assert.ok(partial !== undefined && partial.length > 0, "the true prefix was kept");
    suite.proxy.clearFaults();
    const seen = suite.proxy.requests.length;
    const report = await verifyAt(suite.registry, suite.proxy.host, REPO, { tag: "1.0" }, { cache });
    assert.equal(report.ok, true);
    const gets = suite.proxy.requests
      .slice(seen)
      .filter((r) => r.method === "GET" && r.path.endsWith(suite.layer.descriptor.digest));
    assert.deepEqual(
      gets.map((r) => r.range),
      [`bytes=${partial.length}-`],
      "only the remainder was fetched",
    );
    assert.equal(
      sha256Of((await cachedFiles(cache, suite.layer.descriptor.digest)).blob ?? Buffer.alloc(0)),
      suite.layer.descriptor.digest,
    );
  });
});
