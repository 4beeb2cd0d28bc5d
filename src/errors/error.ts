/**
 * The one error type digestguard throws on purpose. Every failure carries a
 * stable `code` (safe to match on in scripts), an exit code for the CLI, and
 * a message that says what was being done and what to do next.
 *
 * @example
 * ```ts
 * import { DigestguardError } from "digestguard";
 * try { parseReference("UPPER/case") } catch (e) {
 *   if (e instanceof DigestguardError && e.code === "REFERENCE_INVALID") console.error(e.message);
 * }
 * ```
 */
export class DigestguardError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  /** Whether retrying the same operation later may succeed (429, 5xx, resets). */
  readonly temporary: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: ErrorOptions & {
      temporary?: boolean;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DigestguardError";
    this.code = code;
    this.exitCode = EXIT_CODE_BY_ERROR[code];
    this.temporary = options.temporary ?? false;
    this.details = options.details ?? {};
  }
}

/**
 * Documented process exit codes. 1 is reserved for "ran fine, found
 * problems" (later: check findings); errors use 2 and up.
 */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  unavailable: 5,
  integrity: 6,
  unsupported: 7,
  io: 8,
  /** A bug in digestguard itself (EX_SOFTWARE), never a verdict about content. */
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const EXIT_CODE_BY_ERROR = {
  USAGE: ExitCode.usage,
  REFERENCE_INVALID: ExitCode.usage,
  DIGEST_INVALID: ExitCode.usage,
  PLATFORM_INVALID: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  LOCKFILE_INVALID: ExitCode.usage,
  MANIFEST_UNKNOWN: ExitCode.notFound,
  BLOB_UNKNOWN: ExitCode.notFound,
  NAME_UNKNOWN: ExitCode.notFound,
  PLATFORM_NOT_FOUND: ExitCode.notFound,
  NOT_FOUND: ExitCode.notFound,
  UNAUTHORIZED: ExitCode.auth,
  DENIED: ExitCode.auth,
  CREDENTIALS_ERROR: ExitCode.auth,
  NETWORK: ExitCode.unavailable,
  TIMEOUT: ExitCode.unavailable,
  TLS: ExitCode.unavailable,
  TOO_MANY_REQUESTS: ExitCode.unavailable,
  REGISTRY_UNAVAILABLE: ExitCode.unavailable,
  REGISTRY_ERROR: ExitCode.unavailable,
  REDIRECT_REFUSED: ExitCode.unavailable,
  DIGEST_MISMATCH: ExitCode.integrity,
  DIFF_ID_MISMATCH: ExitCode.integrity,
  SIZE_MISMATCH: ExitCode.integrity,
  MANIFEST_INVALID: ExitCode.integrity,
  MANIFEST_TOO_LARGE: ExitCode.integrity,
  MANIFEST_UNSUPPORTED: ExitCode.unsupported,
  UNSUPPORTED: ExitCode.unsupported,
  LAYOUT_INVALID: ExitCode.io,
  IO: ExitCode.io,
  HISTORY_BUSY: ExitCode.io,
  HISTORY_INVALID: ExitCode.io,
  HISTORY_TOO_NEW: ExitCode.unsupported,
  HISTORY_UNAVAILABLE: ExitCode.unavailable,
  NOTIFY_FAILED: ExitCode.unavailable,
  ABORTED: ExitCode.interrupted,
} as const satisfies Record<string, ExitCode>;

/** Every stable error code; documented in the README's "Errors" table. */
export type ErrorCode = keyof typeof EXIT_CODE_BY_ERROR;

/** All error codes with their exit codes, for documentation and `--help`. */
export const ERROR_CODES: Readonly<Record<ErrorCode, ExitCode>> = EXIT_CODE_BY_ERROR;
