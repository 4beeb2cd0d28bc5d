import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { BodyFault } from "./fault-proxy-rules.js";

/** Where the number of body bytes handed to the client is kept. */
export interface SentCounter {
  bytesSent: number;
}

/** The registry's answer, body read in full, that a {@link BodyFault} is applied to. */
export interface BufferedAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

// How long a reset waits after the last byte was handed to the kernel: an RST
// makes the peer's kernel drop data the client has not read yet, and the
// test wants the client to have seen the bytes before the reset.
const RESET_DELAY_MS = 50;

/**
 * Answer with the registry's status and headers and a damaged body, as
 * `fault` says (see {@link BodyFault} for each kind).
 *
 * @example
 * ```ts
 * sendFaultyBody(res, { status: 200, headers, body }, { type: "flip-byte" }, record);
 * ```
 */
export function sendFaultyBody(
  res: ServerResponse,
  answer: BufferedAnswer,
  fault: BodyFault,
  counter: SentCounter,
): void {
  const { status, headers, body } = answer;
  const declared = { ...headers, "content-length": String(declaredLength(headers, body)) };
  switch (fault.type) {
    case "flip-byte":
      return sendComplete(res, status, headers, flipped(body, fault.offset), counter);
    case "short-body":
      return sendComplete(res, status, headers, body.subarray(0, fault.keepBytes), counter);
    case "empty-body":
      return sendComplete(res, status, headers, Buffer.alloc(0), counter);
    case "extra-bytes":
      return sendComplete(res, status, headers, Buffer.concat([body, Buffer.alloc(fault.bytes, "garbage")]), counter);
    case "replace-body":
      return sendComplete(res, status, replacedHeaders(headers, fault), Buffer.from(fault.body), counter);
    case "truncate":
      // end() sends a FIN: the peer sees a clean close before Content-Length was reached.
      return sendPartial(res, status, declared, body.subarray(0, fault.keepBytes), counter, (socket) => socket.end());
    case "reset-mid-body":
      return sendPartial(res, status, declared, body.subarray(0, fault.afterBytes), counter, (socket) => {
        setTimeout(() => socket.resetAndDestroy(), RESET_DELAY_MS);
      });
    case "stall-body":
      // Nothing more is sent; the socket is closed by the client's timeout or by stop().
      return sendPartial(res, status, declared, body.subarray(0, fault.afterBytes), counter, () => undefined);
  }
}

function declaredLength(headers: OutgoingHttpHeaders, body: Buffer): number {
  const value = Number(headers["content-length"]);
  return Number.isSafeInteger(value) && value >= 0 ? value : body.length;
}

function flipped(body: Buffer, offset: number | undefined): Buffer {
  const out = Buffer.from(body);
  if (out.length === 0) return out;
  const at = Math.min(offset ?? Math.floor(out.length / 2), out.length - 1);
  out[at] = (out[at] as number) ^ 0xff;
  return out;
}

// A moved tag comes with headers that describe the new bytes: only the
// bytes differ from what the client resolved earlier, nothing else lies.
function replacedHeaders(
  headers: OutgoingHttpHeaders,
  fault: Extract<BodyFault, { type: "replace-body" }>,
): OutgoingHttpHeaders {
  const out = { ...headers };
  const digest = `sha256:${createHash("sha256").update(fault.body).digest("hex")}`;
  if (out["docker-content-digest"] !== undefined) out["docker-content-digest"] = digest;
  if (out["etag"] !== undefined) out["etag"] = `"${digest}"`;
  if (fault.contentType !== undefined) out["content-type"] = fault.contentType;
  return out;
}

function sendComplete(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  bytes: Buffer,
  counter: SentCounter,
): void {
  res.writeHead(status, { ...headers, "content-length": String(bytes.length) });
  counter.bytesSent += bytes.length;
  res.end(bytes);
}

/** Send headers and `bytes`, then hand the socket to `then` once they reached the kernel. */
function sendPartial(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  bytes: Buffer,
  counter: SentCounter,
  then: (socket: Socket) => void,
): void {
  res.writeHead(status, headers);
  const socket = res.socket;
  const next = (): void => {
    if (socket !== null && !socket.destroyed) then(socket);
  };
  if (bytes.length === 0) {
    res.flushHeaders();
    setImmediate(next);
    return;
  }
  counter.bytesSent += bytes.length;
  res.write(bytes, next);
}
