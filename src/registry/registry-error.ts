import { DigestguardError, type ErrorCode } from "../errors/error.js";
import { parseRetryAfter } from "./retry.js";
import { firstHeader, type HttpResponse } from "./http-transport.js";

/** One entry of a distribution error body: `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

const CODE_BY_REGISTRY_CODE: Record<string, ErrorCode> = {
  MANIFEST_UNKNOWN: "MANIFEST_UNKNOWN",
  BLOB_UNKNOWN: "BLOB_UNKNOWN",
  NAME_UNKNOWN: "NAME_UNKNOWN",
  UNAUTHORIZED: "UNAUTHORIZED",
  DENIED: "DENIED",
  TOOMANYREQUESTS: "TOO_MANY_REQUESTS",
  MANIFEST_INVALID: "MANIFEST_INVALID",
  DIGEST_INVALID: "DIGEST_MISMATCH",
  SIZE_INVALID: "SIZE_MISMATCH",
  UNSUPPORTED: "UNSUPPORTED",
};

const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Turn a non-success registry response into a typed error, reading (and so
 * consuming) at most 64 KiB of its error body. 429 and 5xx are marked
 * temporary, with the server's `Retry-After` kept for the retry loop.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw await registryError(res, "fetch manifest docker.io/library/alpine:3.19");
 * ```
 */
export async function registryError(response: HttpResponse, doing: string): Promise<DigestguardError> {
  const entries = response.body ? await readErrorEntries(response) : [];
  const first = entries[0];
  const summary = entries.map((e) => `${e.code}${e.message ? `: ${e.message}` : ""}${detailText(e.detail)}`).join("; ");
  const status = response.status;
  const temporary = status === 429 || status >= 500;
  const code = errorCodeFor(status, first?.code, response.url);
  const retryAfterMs = parseRetryAfter(firstHeader(response.headers, "retry-after"));
  const said = summary ? ` — registry says ${summary}` : "";
  const advice = status === 413 ? TOO_LARGE_ADVICE : adviceFor(code);
  return new DigestguardError(code, `Cannot ${doing}: HTTP ${status}${said}.${advice}`, {
    temporary,
    details: { status, registryErrors: entries, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  });
}

function errorCodeFor(status: number, registryCode: string | undefined, url: URL | undefined): ErrorCode {
  // 413 is the registry's size limit or quota refusing an upload, whatever code
  // its body names (often SIZE_INVALID): not content that failed a check.
  if (status === 413) return "REGISTRY_ERROR";
  const mapped = registryCode === undefined ? undefined : CODE_BY_REGISTRY_CODE[registryCode];
  if (mapped !== undefined) return mapped;
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "DENIED";
  if (status === 404) return notFoundCode(url);
  if (status === 429) return "TOO_MANY_REQUESTS";
  if (status >= 500) return "REGISTRY_UNAVAILABLE";
  return "REGISTRY_ERROR";
}

// A 404 to HEAD has no body to say what is missing, but the API path does;
// without this, resolving a missing tag would be NOT_FOUND while fetching it
// is MANIFEST_UNKNOWN, and scripts matching on the code would see both.
function notFoundCode(url: URL | undefined): ErrorCode {
  const path = url?.pathname ?? "";
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(path)) return "MANIFEST_UNKNOWN";
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(path)) return "BLOB_UNKNOWN";
  return "NOT_FOUND";
}

const TOO_LARGE_ADVICE =
  " The registry refused the upload's size (a size limit or quota); free space or raise the limit there, then run again.";

function adviceFor(code: ErrorCode): string {
  switch (code) {
    case "UNAUTHORIZED":
    case "DENIED":
      return " Log in with `docker login` (digestguard reads ~/.docker/config.json) or pass --creds.";
    case "TOO_MANY_REQUESTS":
      return " The registry is rate limiting; wait, authenticate, or use a mirror.";
    default:
      return "";
  }
}

async function readErrorEntries(response: HttpResponse): Promise<RegistryErrorEntry[]> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > ERROR_BODY_LIMIT) break;
      chunks.push(chunk);
    }
  } catch {
    return [];
  } finally {
    response.body.destroy();
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter(
        (e): e is RegistryErrorEntry =>
          typeof e === "object" && e !== null && typeof (e as RegistryErrorEntry).code === "string",
      )
      .map((e) => ({
        code: e.code,
        ...(typeof e.message === "string" ? { message: e.message } : {}),
        detail: e.detail,
      }));
  } catch {
    return [];
  }
}

function detailText(detail: unknown): string {
  if (detail === undefined || detail === null) return "";
  const text = typeof detail === "string" ? detail : JSON.stringify(detail);
  return ` (${text.length > 200 ? `${text.slice(0, 197)}...` : text})`;
}
