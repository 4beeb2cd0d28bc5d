import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { pipeline, Transform } from "node:stream";
import type { Fault } from "./fault-proxy-rules.js";

/** One request a fault proxy (or its other origin) received, and what it answered. Updated while the answer is sent. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  /** Status sent back; 0 until headers were sent. */
  status: number;
  /** Body bytes handed to the client. */
  bytesSent: number;
  /** Whether the client sent an Authorization header. */
  authorization: boolean;
  /** The client's Range header, if any. */
  range?: string;
  /** The fault applied to this request, if any. */
  fault?: Fault;
  /** Whether the whole answer was sent: false while in progress, and for cut, reset and stalled answers. */
  complete: boolean;
}

/**
 * Start the record of `req` and keep `complete` up to date.
 *
 * @example
 * ```ts
 * requests.push(recordRequest(req, res));
 * ```
 */
export function recordRequest(req: IncomingMessage, res: ServerResponse): ProxiedRequest {
  const record: ProxiedRequest = {
    method: req.method ?? "",
    path: req.url ?? "",
    status: 0,
    bytesSent: 0,
    authorization: req.headers.authorization !== undefined,
    ...(req.headers.range === undefined ? {} : { range: req.headers.range }),
    complete: false,
  };
  res.once("finish", () => {
    record.complete = true;
  });
  return record;
}

/**
 * Send the registry's answer on unchanged (apart from `headers`, already
 * filtered by the caller), streaming the body and counting its bytes.
 *
 * @example
 * ```ts
 * relayAnswer(res, upRes, returnedHeaders(upRes.headers, origin, proxyUrl), record);
 * ```
 */
export function relayAnswer(
  res: ServerResponse,
  upRes: IncomingMessage,
  headers: OutgoingHttpHeaders,
  record: ProxiedRequest,
): void {
  record.status = upRes.statusCode ?? 502;
  res.writeHead(record.status, headers);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      record.bytesSent += chunk.length;
      callback(null, chunk);
    },
  });
  // A client that goes away tears the whole chain down, the upstream answer included.
  pipeline(upRes, counter, res, () => undefined);
}

/**
 * Answer with a small body of the proxy's own, after reading the request
 * body (so an upload's client is not cut off mid-send).
 *
 * @example
 * ```ts
 * answerDirectly(req, res, record, 429, { "retry-after": "1" }, "");
 * ```
 */
export function answerDirectly(
  req: IncomingMessage,
  res: ServerResponse,
  record: ProxiedRequest,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
): void {
  const bytes = Buffer.from(body);
  const send = (): void => {
    record.status = status;
    record.bytesSent = req.method === "HEAD" ? 0 : bytes.length;
    res.writeHead(status, { ...headers, "content-length": String(bytes.length) }).end(bytes);
  };
  req.resume();
  if (req.readableEnded) send();
  else req.once("end", send);
}

/**
 * Read an upstream body in full. Faults need the whole body (its middle, its
 * length); test blobs are small, so holding one in memory is harmless.
 *
 * @example
 * ```ts
 * const body = await readAll(upRes);
 * ```
 */
export async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
