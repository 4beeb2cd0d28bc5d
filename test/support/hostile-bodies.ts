import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

// Hostile bodies stop by themselves: a test that fails must not leave a
// server streaming forever into a client that stopped reading.
const ENDLESS_MAX_BYTES = 512 << 20;
const HOSTILE_MAX_MS = 30_000;

/**
 * Answer 200 and stream zeros-and-braces "JSON" that never closes, until the
 * client hangs up, 512 MiB were sent or 30 s passed.
 *
 * @example
 * ```ts
 * sendEndlessBody(res, { "content-type": "application/json" });
 * ```
 */
export function sendEndlessBody(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  res.writeHead(200, headers);
  res.write('{"token":"');
  const chunk = Buffer.alloc(64 << 10, "a");
  const started = Date.now();
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < ENDLESS_MAX_BYTES && Date.now() - started < HOSTILE_MAX_MS) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    res.destroy();
  };
  pump();
}

/**
 * Answer with full headers, then one byte of `body` every `intervalMs`, and
 * give up (cut the connection) after 30 s.
 *
 * @example
 * ```ts
 * sendTrickle(res, headers, manifestBytes, 1000);
 * ```
 */
export function sendTrickle(
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  body: Uint8Array,
  intervalMs: number,
): void {
  res.writeHead(200, { ...headers, "content-length": String(body.length) });
  const started = Date.now();
  let next = 0;
  const timer = setInterval(() => {
    if (res.destroyed || Date.now() - started > HOSTILE_MAX_MS) {
      clearInterval(timer);
      res.destroy();
      return;
    }
    res.write(body.subarray(next, next + 1));
    next++;
    if (next >= body.length) {
      clearInterval(timer);
      res.end();
    }
  }, intervalMs);
  res.once("close", () => clearInterval(timer));
}

/**
 * Declare the whole `body` but send only its first `keepBytes`, then close
 * the connection — the same way on every request, ranged or not, as a
 * registry whose stored copy is short would.
 *
 * @example
 * ```ts
 * sendTruncated(res, headers, blob, 100);
 * ```
 */
export function sendTruncated(
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  body: Uint8Array,
  keepBytes: number,
): void {
  res.writeHead(200, { ...headers, "content-length": String(body.length) });
  res.write(body.subarray(0, keepBytes), () => {
    setTimeout(() => res.socket?.end(), 20);
  });
}

/**
 * Keep the request open without ever answering; drop it after 30 s.
 *
 * @example
 * ```ts
 * neverAnswer(res);
 * ```
 */
export function neverAnswer(res: ServerResponse): void {
  const timer = setTimeout(() => res.destroy(), HOSTILE_MAX_MS);
  res.once("close", () => clearTimeout(timer));
}
