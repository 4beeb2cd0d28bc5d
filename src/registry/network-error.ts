import { DigestguardError } from "../errors/error.js";
import type { HttpRequest } from "./http-types.js";

const TLS_ERROR = /CERT|SSL|TLS|self[- ]signed|unable to (verify|get)|EPROTO|wrong version/i;

/**
 * Translate an undici or socket failure into a typed error: ABORTED, TIMEOUT
 * (also when the request's total deadline passed), TLS with advice, or a
 * temporary NETWORK error.
 *
 * @example
 * ```ts
 * throw networkError(error, request, deadline.expired);
 * ```
 */
export function networkError(error: unknown, request: HttpRequest, deadlinePassed = false): DigestguardError {
  if (error instanceof DigestguardError) return error;
  const err = error as { name?: string; code?: string; message?: string };
  const target = `${request.method} ${request.url.origin}${request.url.pathname}`;
  if (deadlinePassed && request.signal?.aborted !== true) {
    return new DigestguardError(
      "TIMEOUT",
      `Cannot finish ${target}: the registry did not send the whole answer in time.`,
      {
        cause: error,
        temporary: true,
      },
    );
  }
  if (err.name === "AbortError" || err.code === "ABORT_ERR" || request.signal?.aborted) {
    return new DigestguardError("ABORTED", `Cannot finish ${target}: the operation was cancelled.`, { cause: error });
  }
  if (
    err.code === "UND_ERR_HEADERS_TIMEOUT" ||
    err.code === "UND_ERR_BODY_TIMEOUT" ||
    err.code === "UND_ERR_CONNECT_TIMEOUT"
  ) {
    return new DigestguardError(
      "TIMEOUT",
      `Cannot finish ${target}: the registry did not answer in time (${err.code}).`,
      {
        cause: error,
        temporary: true,
      },
    );
  }
  const message = `${err.code ?? ""} ${err.message ?? ""}`;
  if (TLS_ERROR.test(message)) {
    return new DigestguardError(
      "TLS",
      `Cannot connect to ${request.url.origin} over TLS: ${err.message ?? err.code}. Pass --ca-file with the registry's CA, or mark the host insecure if you trust the network.`,
      { cause: error, details: { tlsCode: err.code } },
    );
  }
  return new DigestguardError(
    "NETWORK",
    `Cannot reach ${request.url.origin} (${target}): ${err.message ?? err.code}.`,
    {
      cause: error,
      temporary: true,
      details: { networkCode: err.code },
    },
  );
}
