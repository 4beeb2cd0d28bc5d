import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Reply } from "./router.js";

/** Every answer carries these: nothing inline may run, nothing loads from elsewhere. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/**
 * A JSON reply.
 *
 * @example
 * ```ts
 * jsonReply(200, { images: [] });
 * ```
 */
export function jsonReply(status: number, value: unknown): Reply {
  // Compact: the 1,000-image list is a quarter smaller than indented (pipe it to jq to read it).
  return { status, type: "application/json; charset=utf-8", body: Buffer.from(`${JSON.stringify(value)}\n`) };
}

/**
 * The stable error body: `{ "error": { "code", "message" } }`.
 *
 * @example
 * ```ts
 * errorReply(404, "NOT_FOUND", "Cannot find /x: no such page; start at /.");
 * ```
 */
export function errorReply(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { ...jsonReply(status, { error: { code, message } }), ...(headers ? { headers } : {}) };
}

/**
 * Write a reply: security headers, and the body compressed with br or gzip
 * when the client accepts it and the body is worth it.
 *
 * @example
 * ```ts
 * send(req, res, jsonReply(200, { ok: true }));
 * ```
 */
export function send(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  let body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "content-type": reply.type,
    vary: "accept-encoding",
    ...reply.headers,
  };
  const encoding = body.length >= 1024 ? chooseEncoding(request.headers["accept-encoding"]) : undefined;
  if (encoding !== undefined) {
    body = compressed(reply, body, encoding);
    headers["content-encoding"] = encoding;
  }
  headers["content-length"] = String(body.length);
  response.writeHead(reply.status, headers);
  response.end(request.method === "HEAD" ? undefined : body);
}

// A cached reply (see reply-cache.ts) is compressed once per encoding, not once per request.
const compressions = new WeakMap<Reply, Map<string, Uint8Array>>();

function compressed(reply: Reply, body: Uint8Array, encoding: "br" | "gzip"): Uint8Array {
  const done = compressions.get(reply) ?? new Map<string, Uint8Array>();
  compressions.set(reply, done);
  let out = done.get(encoding);
  if (out === undefined) {
    out =
      encoding === "br"
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
        : gzipSync(body, { level: 6 });
    done.set(encoding, out);
  }
  return out;
}

function chooseEncoding(accept: string | undefined): "br" | "gzip" | undefined {
  const offered = (accept ?? "")
    .split(",")
    .map((part) => part.trim().split(";"))
    .filter(([, q]) => q === undefined || !/^\s*q=0(\.0*)?\s*$/.test(q))
    .map(([name]) => name?.trim().toLowerCase());
  if (offered.includes("br")) return "br";
  if (offered.includes("gzip")) return "gzip";
  return undefined;
}
