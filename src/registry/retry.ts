import { setTimeout as sleep } from "node:timers/promises";
import { DigestguardError } from "../errors/error.js";

/** How persistent to be with temporary failures. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff; doubles each time, with full jitter. */
  baseDelayMs: number;
  /** Upper bound for any single wait, `Retry-After` included. */
  maxDelayMs: number;
}

/** What a retry loop tells its watcher before it waits: which attempt comes next, after how long a failure. */
export interface RetryEvent {
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  /** Attempts allowed in all. */
  attempts: number;
  waitMs: number;
  /** How long the failed attempt took: a timeout is a wait the user sat through too. */
  failedAfterMs: number;
  error: DigestguardError;
}

/** Four attempts, 200 ms doubling, at most 30 s per wait. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 30_000 };

/**
 * Run `operation` and retry it only when it fails with a temporary
 * {@link DigestguardError} (429, 5xx, resets, timeouts), waiting as the
 * server asked (`retryAfterMs` in the error's details) or with exponential
 * backoff and full jitter. Anything else, and the last failure, is thrown.
 *
 * @example
 * ```ts
 * const res = await withRetry(() => client.head(url), { signal });
 * ```
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: {
    policy?: RetryPolicy;
    signal?: AbortSignal;
    onRetry?: (error: DigestguardError, waitMs: number, event: RetryEvent) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof DigestguardError) || !error.temporary || attempt >= policy.attempts) throw error;
      if (options.signal?.aborted) {
        throw new DigestguardError("ABORTED", "Cannot retry: the operation was cancelled.", { cause: error });
      }
      const waitMs = retryDelay(error, attempt, policy);
      options.onRetry?.(error, waitMs, {
        attempt: attempt + 1,
        attempts: policy.attempts,
        waitMs,
        failedAfterMs: Date.now() - started,
        error,
      });
      await sleep(waitMs, undefined, { signal: options.signal }).catch(() => {
        throw new DigestguardError("ABORTED", "Cannot retry: the operation was cancelled.", { cause: error });
      });
    }
  }
}

function retryDelay(error: DigestguardError, attempt: number, policy: RetryPolicy): number {
  const asked = error.details["retryAfterMs"];
  if (typeof asked === "number" && asked >= 0) return Math.min(asked, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(Math.random() * ceiling);
}

/**
 * Milliseconds to wait from a `Retry-After` header (delta-seconds or an
 * HTTP date), or undefined when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter("3"); // 3000
 * ```
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse alone accepts "1.5" or "-1" as dates in 2001, which would turn
  // a malformed header into "retry now"; only the three HTTP-date forms count.
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form and asctime.
const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];
