import { DigestguardError, ExitCode, type ErrorCode } from "./error.js";

/**
 * Whether `error` is a DigestguardError (and so has a stable `code`).
 *
 * @example
 * ```ts
 * if (isDigestguardError(error)) console.error(error.code);
 * ```
 */
export function isDigestguardError(error: unknown): error is DigestguardError {
  return error instanceof DigestguardError;
}

/**
 * Whether `error` is a DigestguardError with one of `codes`.
 *
 * @example
 * ```ts
 * if (isCode(error, "TLS", "NETWORK")) return "unreachable";
 * ```
 */
export function isCode(error: unknown, ...codes: ErrorCode[]): error is DigestguardError {
  return error instanceof DigestguardError && codes.includes(error.code);
}

/**
 * Whether `error` reports work cancelled by an abort signal (Ctrl-C): such
 * errors are passed on, never recorded as a finding about content.
 *
 * @example
 * ```ts
 * catch (error) { if (isAborted(error)) throw error; }
 * ```
 */
export function isAborted(error: unknown): error is DigestguardError {
  return isCode(error, "ABORTED");
}

/**
 * Whether the bytes received are not the bytes named: a digest or size
 * mismatch (not a diff_id or manifest problem).
 *
 * @example
 * ```ts
 * if (isContentMismatch(error)) await quarantine(digest);
 * ```
 */
export function isContentMismatch(error: unknown): error is DigestguardError {
  return isCode(error, "DIGEST_MISMATCH", "SIZE_MISMATCH");
}

/**
 * Whether `error` is evidence against the content itself (exit code 6:
 * digest, size or diff_id mismatch, invalid or oversized manifest).
 *
 * @example
 * ```ts
 * if (isIntegrityError(error)) return { outcome: "mismatch" };
 * ```
 */
export function isIntegrityError(error: unknown): error is DigestguardError {
  return error instanceof DigestguardError && error.exitCode === ExitCode.integrity;
}

/**
 * Whether `error` says the thing asked for does not exist (exit code 3:
 * unknown manifest, blob, repository or platform).
 *
 * @example
 * ```ts
 * if (isNotFound(error)) return false;
 * ```
 */
export function isNotFound(error: unknown): error is DigestguardError {
  return error instanceof DigestguardError && error.exitCode === ExitCode.notFound;
}

/**
 * Whether `error` says the registry could not be reached or answered
 * (exit code 5: network, TLS, timeout, 429, 5xx).
 *
 * @example
 * ```ts
 * if (isUnavailable(error)) unreachable.push(origin);
 * ```
 */
export function isUnavailable(error: unknown): error is DigestguardError {
  return error instanceof DigestguardError && error.exitCode === ExitCode.unavailable;
}
