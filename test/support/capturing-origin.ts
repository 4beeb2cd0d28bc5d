import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** One request a test server received: what was asked and with which headers. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A plain-HTTP loopback server standing for "somebody else": it records every request it receives. */
export interface CapturingOrigin {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  readonly requests: CapturedRequest[];
  /** How many requests arrived carrying an `Authorization` header. */
  authorizationCount(): number;
  stop(): Promise<void>;
}

/**
 * Start a foreign origin that behaves like a registry with its own token
 * service: `/token` hands out a token to anyone, and every other path answers
 * 401 with `WWW-Authenticate: Bearer realm="<its own /token>"` (or, with
 * `challenge: "basic"`, asks for Basic credentials directly). A client
 * that trusts that challenge for the wrong registry sends its password here,
 * which {@link CapturingOrigin.authorizationCount} counts.
 *
 * @example
 * ```ts
 * const foreign = await startCapturingOrigin();
 * // … run a client that may be led here …
 * assert.equal(foreign.authorizationCount(), 0);
 * ```
 */
export async function startCapturingOrigin(options: { challenge?: "basic" | "bearer" } = {}): Promise<CapturingOrigin> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers });
    req.resume();
    if ((req.url ?? "").startsWith("/token")) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token: "foreign-token", expires_in: 300 }));
      return;
    }
    res
      .writeHead(401, {
        "content-type": "application/json",
        "www-authenticate":
          options.challenge === "basic" ? 'Basic realm="foreign"' : `Bearer realm="${url}/token",service="foreign"`,
      })
      .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "foreign origin" }] }));
  });
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    host: new URL(url).host,
    requests,
    authorizationCount: () => requests.filter((r) => r.headers.authorization !== undefined).length,
    stop: () => closeServer(server),
  };
}

/** Listen on an ephemeral loopback port. */
export function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
}

/** Close a server and every connection it holds, stalled ones too. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
