import { createServer, connect } from "node:net";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * Ask the kernel for a free TCP port on 127.0.0.1 by binding port 0 and
 * releasing it. Another process could take it before the caller binds, which
 * is acceptable on a test machine's loopback interface.
 *
 * @example
 * ```ts
 * const port = await freeLoopbackPort();
 * ```
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("Cannot find a free loopback port: the server reported no address."));
      });
    });
  });
}

/**
 * Whether something accepts TCP connections on `127.0.0.1:port`.
 *
 * @example
 * ```ts
 * assert.equal(await portAcceptsConnections(port), false);
 * ```
 */
export function portAcceptsConnections(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** User-Agent of the harness's own requests, so request logs can leave them out. */
export const HARNESS_USER_AGENT = "digestguard-test-harness";

/** What {@link probe} saw: status and headers, body discarded. */
export interface ProbeResult {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * One small GET with node's own client (no pooling, so no sockets are left
 * behind to keep the test process alive), trusting `ca` for https URLs.
 *
 * @example
 * ```ts
 * const { status } = await probe("https://127.0.0.1:5000/v2/", { ca: tls.caCertPem });
 * ```
 */
export function probe(
  url: string,
  options: {
    ca?: string;
    client?: { cert: string; key: string };
    headers?: Record<string, string>;
    signal?: AbortSignal;
    timeoutMs?: number;
  } = {},
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "GET",
        agent: false,
        headers: { "user-agent": HARNESS_USER_AGENT, ...options.headers },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.client === undefined ? {} : { cert: options.client.cert, key: options.client.key }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.once("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 2000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once("error", reject);
    req.end();
  });
}
