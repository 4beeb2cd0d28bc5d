import assert from "node:assert/strict";
import type { ContentCache } from "../../src/store/cache/content-cache.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import type { BlobCheck, CheckFailure, VerifyReport } from "../../src/image/verify-report.js";
import type { ProxiedRequest } from "./fault-proxy.js";
import { sha256Of } from "./noise-image.js";
import { cachedFiles, failedChecks } from "./verify-run.js";

/** A layer as built: its descriptor and exact bytes. */
export interface KnownLayer {
  descriptor: Descriptor;
  bytes: Buffer;
}

/** What a fault must end in: a verified success (after a resume or not), or a precise failure. */
export type ExpectedOutcome =
  | { ok: true; resumed: boolean }
  | { codes: string[]; meaning: RegExp; details?: (failure: CheckFailure, layer: KnownLayer) => void };

/**
 * Check a verify report against the outcome a fault must have on one
 * layer: success (with a Range request and `resumes` when `resumed`), or a
 * failure of exactly that layer of that platform with the expected code and
 * meaning — never a false ok.
 *
 * @example
 * ```ts
 * assertOutcome(report, { ok: true, resumed: true }, { check, id: "linux/arm64#layer#1", layer, requests });
 * ```
 */
export function assertOutcome(
  report: VerifyReport,
  expected: ExpectedOutcome,
  at: { check: BlobCheck; id: string; layer: KnownLayer; requests: ProxiedRequest[] },
): void {
  const { check } = at;
  if ("ok" in expected) {
    assert.deepEqual(failedChecks(report), [], JSON.stringify(report.blobs.find((b) => b.failure)?.failure));
    assert.equal(report.ok, true);
    assert.equal(check.status, "ok");
    if (!expected.resumed) return;
    assert.ok((check.resumes ?? 0) >= 1, "the report counts the resume");
    const ranged = at.requests.filter(
      (r) => r.method === "GET" && r.path.endsWith(check.digest) && r.range !== undefined,
    );
    assert.match(ranged[0]?.range ?? "", /^bytes=[1-9]\d*-$/, "a Range request resumed the download");
    return;
  }
  assert.equal(report.ok, false, "never a false ok");
  assert.deepEqual(failedChecks(report), [at.id], "exactly the faulty layer of the faulty platform");
  assert.equal(check.status, "failed");
  const failure = check.failure;
  assert.ok(failure !== undefined);
  assert.ok(expected.codes.includes(failure.code), `code ${failure.code}: ${failure.message}`);
  assert.match(failure.meaning, expected.meaning);
  expected.details?.(failure, at.layer);
}

/**
 * After a verify with a cache: a verified layer is committed with the right
 * bytes; a failed one is not committed, leaves no partial after wrong bytes
 * (digest mismatch, too long), and any partial kept is a true prefix.
 */
export async function assertCacheAfter(cache: ContentCache, check: BlobCheck, layer: KnownLayer): Promise<void> {
  const files = await cachedFiles(cache, layer.descriptor.digest);
  if (check.status === "ok") {
    assert.equal(sha256Of(files.blob ?? Buffer.alloc(0)), layer.descriptor.digest, "the verified blob is committed");
    assert.equal(files.partial, undefined);
    return;
  }
  assert.equal(files.blob, undefined, "nothing unproven is committed");
  const wrongBytes = check.failure?.code === "DIGEST_MISMATCH" || /longer/.test(check.failure?.meaning ?? "");
  if (wrongBytes) assert.equal(files.partial, undefined, "wrong bytes are discarded");
  else if (files.partial !== undefined)
    assert.deepEqual(files.partial, layer.bytes.subarray(0, files.partial.length), "a kept partial is a true prefix");
}
