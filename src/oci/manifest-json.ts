import type { z } from "zod";
import { DigestguardError } from "../errors/error.js";
import { findRepeatedKey } from "./json-keys.js";

/** What is being parsed, as named in error messages ("Cannot parse <what>: …"). */
export type JsonDocumentKind = "manifest" | "image config";

/**
 * Decode UTF-8 JSON bytes that must hold a JSON object. Invalid UTF-8, a
 * byte-order mark and keys repeated in one object (exactly, or up to letter
 * case, which Go's decoder folds) are refused: two tools must never read
 * different documents from the same digest.
 *
 * @example
 * ```ts
 * const body = decodeJsonObject(new TextEncoder().encode('{"schemaVersion":2}'), "manifest");
 * ```
 */
export function decodeJsonObject(bytes: Uint8Array, what: JsonDocumentKind): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw invalid(what, "it is not valid UTF-8", { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw invalid(what, `it is not valid JSON (${reason.replace(/\.$/, "")})`, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(what, `the document must be a JSON object, got ${describeJson(value)}`);
  }
  refuseRepeatedKeys(text, what);
  return value as Record<string, unknown>;
}

function refuseRepeatedKeys(text: string, what: JsonDocumentKind): void {
  let repeated;
  try {
    repeated = findRepeatedKey(text);
  } catch (cause) {
    // Nesting deep enough to exhaust the stack is no manifest a registry would accept.
    if (cause instanceof RangeError) throw invalid(what, "it is nested too deeply", { cause });
    throw cause;
  }
  if (repeated === undefined) return;
  const where = repeated.path === "" ? "the top-level object" : repeated.path;
  const why = repeated.caseOnly
    ? `has "${repeated.key}" twice up to letter case, which Go-based tools read as one field`
    : `has the key "${repeated.key}" twice`;
  throw invalid(what, `${where} ${why}; tools would disagree on which value counts, so the document is refused`, {
    details: { path: repeated.path, key: repeated.key },
  });
}

/**
 * A `MANIFEST_INVALID` error whose message reads "Cannot parse <what>: <reason>.".
 *
 * @example
 * ```ts
 * throw invalid("manifest", "schemaVersion must be 2, got 3", { details: { path: "schemaVersion" } });
 * ```
 */
export function invalid(
  what: JsonDocumentKind,
  reason: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): DigestguardError {
  return new DigestguardError("MANIFEST_INVALID", `Cannot parse ${what}: ${reason}.`, options);
}

/**
 * Turn the first schema issue into a `MANIFEST_INVALID` error naming the JSON
 * path, e.g. `layers[2].digest`. Only the first is reported: it is the one
 * nearest the top of the document, and one precise reason reads better than
 * a cascade.
 *
 * @example
 * ```ts
 * const result = schema.safeParse(body);
 * if (!result.success) throw schemaError("manifest", result.error);
 * ```
 */
export function schemaError(what: JsonDocumentKind, error: z.ZodError): DigestguardError {
  const issue = error.issues[0];
  const path = formatJsonPath(issue?.path ?? []);
  const message = issue?.message ?? "it does not match the schema";
  return invalid(what, path === "" ? message : `${path} ${message}`, { details: { path } });
}

/**
 * Render a JSON path as a reader would write it in JavaScript.
 *
 * @example
 * ```ts
 * formatJsonPath(["layers", 2, "digest"]); // "layers[2].digest"
 * formatJsonPath(["annotations", "org.opencontainers.image.created"]); // 'annotations["org.opencontainers.image.created"]'
 * ```
 */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * Name a JSON value's type (and a short rendering) for an error message.
 *
 * @example
 * ```ts
 * describeJson(-1); // "-1"
 * describeJson([1]); // "an array"
 * ```
 */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
}
