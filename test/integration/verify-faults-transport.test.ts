import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RegistryClientOptions } from "../../src/registry/registry-client.js";
import { assertCacheAfter, assertOutcome, type ExpectedOutcome } from "../support/fault-outcome.js";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy.js";
import { buildNoiseIndex, pushImage, sha256Of } from "../support/noise-image.js";
import { faultSuite } from "../support/fault-suite.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempCaches } from "../support/temp-cache.js";
import { cachedFiles, layerCheck, verifyAt } from "../support/verify-run.js";

// Faults of the conversation rather than of the bytes: rate limits, 5xx
// bursts, a stalled body, blobs redirected to another origin.

const REPO = "transport/app";
const PLATFORM = "linux/amd64";
// Small body timeout so a stall is noticed quickly; Retry-After honoured up to 5 s.
const CLIENT: RegistryClientOptions = {
  timeouts: { bodyMs: 500 },
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5000 },
};

interface TransportCase {
  name: string;
  rules: (digest: string) => FaultRule[];
  expect: ExpectedOutcome;
}

const CASES: TransportCase[] = [
  {
    name: "429 with Retry-After once: success after waiting",
    rules: (digest) => [
      { match: { kind: "blob", digest }, times: 1, fault: { type: "status", status: 429, retryAfter: "1" } },
    ],
    expect: { ok: true, resumed: false },
  },
  {
    name: "429 on every request: TOO_MANY_REQUESTS",
    rules: (digest) => [{ match: { kind: "blob", digest }, fault: { type: "status", status: 429, retryAfter: "0" } }],
    expect: { codes: ["TOO_MANY_REQUESTS"], meaning: /^too many requests$/ },
  },
  {
    name: "a burst of 503 and 502: success",
    rules: (digest) => [
      {
        match: { kind: "blob", digest },
        times: 1,
        fault: { type: "status", status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}' },
      },
      { match: { kind: "blob", digest }, times: 1, fault: { type: "status", status: 502 } },
      { match: { kind: "manifest", method: "GET" }, times: 2, fault: { type: "status", status: 500 } },
    ],
    expect: { ok: true, resumed: false },
  },
  {
    name: "503 on every request: a registry failure, not ok",
    rules: (digest) => [{ match: { kind: "blob", digest }, fault: { type: "status", status: 503 } }],
    expect: { codes: ["REGISTRY_UNAVAILABLE"], meaning: /^registry unavailable$/ },
  },
  {
    name: "body stalls once: timed out, resumed and verified",
    rules: (digest) => [{ match: { kind: "blob", digest }, times: 1, fault: { type: "stall-body", afterBytes: 4000 } }],
    expect: { ok: true, resumed: true },
  },
  {
    name: "body stalls on every read: TIMEOUT, not ok",
    rules: (digest) => [{ match: { kind: "blob", digest }, fault: { type: "stall-body", afterBytes: 1000 } }],
    expect: {
      codes: ["TIMEOUT"],
      meaning: /^timed out .* after \d+ of \d+ bytes$/,
      details: (failure, layer) =>
        assert.ok((failure.received ?? -1) > 0 && (failure.received ?? Infinity) < layer.descriptor.size),
    },
  },
];

describe("verify through a faulty proxy: rate limits, 5xx, stalls", { skip: registrySkipReason() }, () => {
  const suite = faultSuite({
    name: "verify-transport",
    repository: REPO,
    layerBytes: 16 * 1024,
    platform: 0,
    layer: 1,
  });
  const { caches } = suite;

  for (const c of CASES) {
    for (const withCache of [false, true]) {
      test(`${c.name}${withCache ? " (with --cache)" : ""}`, async () => {
        suite.proxy.setFaults(c.rules(suite.layer.descriptor.digest));
        const seen = suite.proxy.requests.length;
        const cache = withCache ? await caches.open() : undefined;
        const report = await verifyAt(
          suite.registry,
          suite.proxy.host,
          REPO,
          { tag: "1.0" },
          { client: CLIENT, ...(cache ? { cache } : {}) },
        );
        const check = layerCheck(report, PLATFORM, 1);
        const requests = suite.proxy.requests.slice(seen);
        assertOutcome(report, c.expect, { check, id: `${PLATFORM}#layer#1`, layer: suite.layer, requests });
        assert.ok(
          requests.some((r) => r.fault !== undefined),
          "the fault was applied",
        );
        if (cache !== undefined) await assertCacheAfter(cache, check, suite.layer);
      });
    }
  }
});

describe("verify with blobs redirected to another origin (token auth)", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let image: Awaited<ReturnType<typeof buildNoiseIndex>>;
  const caches = tempCaches("verify-redirect");

  before(async () => {
    registry = await startRegistry({ mode: "token" });
    proxy = await startFaultProxy(registry);
    image = await buildNoiseIndex("redirect", 8 * 1024);
    await pushImage(registry, REPO, image, ["1.0"]);
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    await caches.cleanup();
  });

  test("every blob is verified from the other origin, which never sees the credentials", async () => {
    proxy.setFaults([{ match: { kind: "blob", method: "GET" }, fault: { type: "redirect-other-origin" } }]);
    const cache = await caches.open();
    const report = await verifyAt(registry, proxy.host, REPO, { tag: "1.0" }, { cache });
    assert.equal(report.ok, true, JSON.stringify(report.blobs.find((b) => b.failure)?.failure));
    const redirected = proxy.requests.filter((r) => r.fault?.type === "redirect-other-origin");
    assert.equal(redirected.length, image.blobs.length, "configs and layers, each once");
    assert.ok(
      redirected.every((r) => r.authorization),
      "the registry itself was asked with credentials",
    );
    const elsewhere = proxy.otherOrigin.requests;
    assert.equal(elsewhere.filter((r) => r.status === 200).length, image.blobs.length);
    assert.deepEqual(
      elsewhere.filter((r) => r.authorization),
      [],
      "no Authorization header followed the redirect",
    );
    for (const blob of image.blobs) {
      assert.equal(
        sha256Of((await cachedFiles(cache, blob.descriptor.digest)).blob ?? Buffer.alloc(0)),
        blob.descriptor.digest,
      );
    }
  });
});
