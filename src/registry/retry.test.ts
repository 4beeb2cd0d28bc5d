import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { parseRetryAfter, withRetry, type RetryPolicy } from "./retry.js";

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

const temporary = (details: Record<string, unknown> = {}): DigestguardError =>
  new DigestguardError("REGISTRY_UNAVAILABLE", "Cannot fetch: HTTP 503.", { temporary: true, details });

/** An operation that fails with `failures` in order, then returns "done"; it records its attempts. */
function scripted(failures: unknown[]): { operation: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    operation: async (attempt) => {
      attempts.push(attempt);
      const failure = failures[attempts.length - 1];
      if (failure !== undefined) throw failure;
      return "done";
    },
  };
}

describe("withRetry", () => {
  const cases: { name: string; failures: unknown[]; expectAttempts: number; expectError?: string }[] = [
    { name: "returns at once when the first attempt succeeds", failures: [], expectAttempts: 1 },
    { name: "retries temporary errors until success", failures: [temporary(), temporary()], expectAttempts: 3 },
    {
      name: "does not retry a permanent DigestguardError",
      failures: [new DigestguardError("MANIFEST_UNKNOWN", "Cannot resolve: HTTP 404.")],
      expectAttempts: 1,
      expectError: "MANIFEST_UNKNOWN",
    },
    { name: "does not retry a plain Error", failures: [new Error("boom")], expectAttempts: 1, expectError: "boom" },
    {
      name: "does not retry an error that only looks temporary",
      failures: [Object.assign(new Error("fake"), { temporary: true, code: "NETWORK" })],
      expectAttempts: 1,
      expectError: "fake",
    },
    {
      name: "stops at `attempts` and throws the last failure",
      failures: [
        temporary({ n: 1 }),
        temporary({ n: 2 }),
        temporary({ n: 3 }),
        temporary({ n: 4 }),
        temporary({ n: 5 }),
      ],
      expectAttempts: 4,
      expectError: "REGISTRY_UNAVAILABLE",
    },
    {
      name: "stops retrying once a permanent error follows a temporary one",
      failures: [temporary(), new DigestguardError("DENIED", "Cannot fetch: HTTP 403.")],
      expectAttempts: 2,
      expectError: "DENIED",
    },
  ];

  for (const { name, failures, expectAttempts, expectError } of cases) {
    test(name, async () => {
      const { operation, attempts } = scripted(failures);
      const running = withRetry(operation, { policy: FAST });
      if (expectError === undefined) {
        assert.equal(await running, "done");
      } else {
        await assert.rejects(running, (error: Error) => {
          assert.equal(error instanceof DigestguardError ? error.code : error.message, expectError);
          return true;
        });
      }
      assert.deepEqual(
        attempts,
        Array.from({ length: expectAttempts }, (_, i) => i + 1),
      );
    });
  }

  test("the last failure is the one thrown when attempts run out", async () => {
    const failures = [temporary({ n: 1 }), temporary({ n: 2 })];
    const { operation } = scripted(failures);
    await assert.rejects(withRetry(operation, { policy: { ...FAST, attempts: 2 } }), (error) => error === failures[1]);
  });

  test("attempts: 1 means no retry at all", async () => {
    const { operation, attempts } = scripted([temporary()]);
    await assert.rejects(withRetry(operation, { policy: { ...FAST, attempts: 1 } }));
    assert.equal(attempts.length, 1);
  });

  const waits: { name: string; policy: RetryPolicy; retryAfterMs?: number; expect: (waitMs: number) => void }[] = [
    {
      name: "waits what the server asked (retryAfterMs)",
      policy: { attempts: 2, baseDelayMs: 10_000, maxDelayMs: 30_000 },
      retryAfterMs: 20,
      expect: (w) => assert.equal(w, 20),
    },
    {
      name: "a retryAfterMs of 0 retries at once",
      policy: { attempts: 2, baseDelayMs: 10_000, maxDelayMs: 30_000 },
      retryAfterMs: 0,
      expect: (w) => assert.equal(w, 0),
    },
    {
      name: "caps the server's wish at maxDelayMs",
      policy: { attempts: 2, baseDelayMs: 1, maxDelayMs: 15 },
      retryAfterMs: 3_600_000,
      expect: (w) => assert.equal(w, 15),
    },
    {
      name: "without retryAfterMs backs off within baseDelayMs",
      policy: { attempts: 2, baseDelayMs: 8, maxDelayMs: 30_000 },
      expect: (w) => assert.ok(w >= 0 && w <= 8, String(w)),
    },
  ];
  for (const { name, policy, retryAfterMs, expect } of waits) {
    test(name, async () => {
      const seen: number[] = [];
      const { operation } = scripted([temporary(retryAfterMs === undefined ? {} : { retryAfterMs })]);
      assert.equal(await withRetry(operation, { policy, onRetry: (_error, waitMs) => seen.push(waitMs) }), "done");
      assert.equal(seen.length, 1);
      expect(seen[0] as number);
    });
  }

  test("the backoff ceiling doubles per attempt and stays under maxDelayMs", async () => {
    const seen: number[] = [];
    const failures = Array.from({ length: 9 }, () => temporary());
    const { operation } = scripted(failures);
    await withRetry(operation, {
      policy: { attempts: 10, baseDelayMs: 1, maxDelayMs: 6 },
      onRetry: (_e, w) => seen.push(w),
    });
    const ceilings = [1, 2, 4, 6, 6, 6, 6, 6, 6];
    assert.equal(seen.length, ceilings.length);
    seen.forEach((wait, i) => assert.ok(wait >= 0 && wait <= (ceilings[i] as number), `wait ${i}: ${wait}`));
  });

  test("the server's Retry-After is really waited for", async () => {
    const { operation } = scripted([temporary({ retryAfterMs: 150 })]);
    const started = performance.now();
    await withRetry(operation, { policy: { attempts: 2, baseDelayMs: 1, maxDelayMs: 30_000 } });
    // Only a lower bound: timers never fire early, but a busy machine may fire them late.
    assert.ok(performance.now() - started >= 140);
  });

  test("an abort during the wait stops with ABORTED and no further attempt", async () => {
    const controller = new AbortController();
    const { operation, attempts } = scripted([temporary({ retryAfterMs: 60_000 })]);
    const running = withRetry(operation, {
      policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 },
      signal: controller.signal,
      onRetry: () => setImmediate(() => controller.abort()),
    });
    await assert.rejects(running, (error) => {
      assert.ok(error instanceof DigestguardError);
      assert.equal(error.code, "ABORTED");
      assert.equal(error.exitCode, 130);
      assert.ok(error.cause instanceof DigestguardError && error.cause.code === "REGISTRY_UNAVAILABLE");
      return true;
    });
    assert.equal(attempts.length, 1);
  });

  test("an already aborted signal is not retried", async () => {
    const controller = new AbortController();
    controller.abort();
    const { operation, attempts } = scripted([temporary(), temporary()]);
    await assert.rejects(withRetry(operation, { policy: FAST, signal: controller.signal }));
    assert.equal(attempts.length, 1);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-05-01T12:00:00Z");
  const cases: { value: string | undefined; expected: number | undefined }[] = [
    { value: "3", expected: 3000 },
    { value: "0", expected: 0 },
    { value: " 120 ", expected: 120_000 },
    { value: "Wed, 01 May 2024 12:00:30 GMT", expected: 30_000 },
    { value: "Wednesday, 01-May-24 12:01:00 GMT", expected: 60_000 },
    { value: "Wed May  1 12:00:05 2024", expected: 5_000 },
    { value: "Wed, 01 May 2024 11:00:00 GMT", expected: 0 },
    { value: undefined, expected: undefined },
    { value: "", expected: undefined },
    { value: "   ", expected: undefined },
    { value: "soon", expected: undefined },
    { value: "-1", expected: undefined },
    { value: "1.5", expected: undefined },
    { value: "1e3", expected: undefined },
    { value: "0x10", expected: undefined },
    { value: "abc 1", expected: undefined },
    { value: "tomorrow 3", expected: undefined },
  ];
  for (const { value, expected } of cases) {
    test(`parseRetryAfter(${JSON.stringify(value)}) is ${expected}`, () => {
      assert.equal(parseRetryAfter(value, now), expected);
    });
  }
});
