import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WatchLog } from "../watch/watch-log.js";
import { type AccessPolicy, refusal } from "./access-control.js";
import type { ListenAddress } from "./listen-address.js";
import { errorReply, send } from "./respond.js";
import { failureReply } from "./route-failure.js";
import { matchRoute, type Reply, type Route } from "./router.js";

/** A listening dashboard server. */
export interface RunningServer {
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/** Open connections at once: past this a new one is closed, so idle clients cannot use up the file descriptors the watch shares. */
export const MAX_CONNECTIONS = 256;

/** No route reads a body: anything past this is refused rather than buffered. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Serve `routes` on `address` with node:http: bounded bodies and
 * connections, header and request timeouts, access decided per route by {@link refusal}, errors as
 * the stable JSON error body; an unexpected error is written to `log` (see {@link failureReply}).
 *
 * @example
 * ```ts
 * const server = await serve({ host: "127.0.0.1", port: 0 }, routes, { token: undefined, loopbackBind: true }, log);
 * await server.close();
 * ```
 */
export async function serve(
  address: ListenAddress,
  routes: readonly Route[],
  policy: AccessPolicy,
  log: WatchLog,
): Promise<RunningServer> {
  const server = createServer(
    // The timeouts are enforced each connectionsCheckingInterval (30 s by default): checked each second, they hold.
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 },
    (req, res) => {
      void handle(req, routes, policy, log).then(
        (reply) => send(req, res, reply),
        (error: unknown) => send(req, res, failureReply(error, `${req.method} (before a route)`, log)),
      );
    },
  );
  server.maxHeadersCount = 100;
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return { url: `http://${host}:${bound.port}`, close: () => closeServer(server) };
}

async function handle(
  request: IncomingMessage,
  routes: readonly Route[],
  policy: AccessPolicy,
  log: WatchLog,
): Promise<Reply> {
  const url = requestUrl(request);
  if (url === undefined)
    return errorReply(400, "USAGE", "Cannot read the request target: it is not a URL path; start at /.");
  const match = matchRoute(routes, request.method ?? "GET", url.pathname);
  if (match === undefined)
    return errorReply(404, "NOT_FOUND", `Cannot find ${url.pathname}: no such page or API route; start at /.`);
  if ("allowed" in match)
    return errorReply(
      405,
      "METHOD_NOT_ALLOWED",
      `Cannot ${request.method} ${url.pathname}: it answers ${match.allowed.join(", ")} only.`,
      {
        allow: match.allowed.join(", "),
      },
    );
  const refused = refusal(request, { write: match.route.write === true }, policy);
  if (refused !== undefined)
    return errorReply(
      refused.status,
      refused.code,
      refused.message,
      refused.status === 401 ? { "www-authenticate": "Bearer" } : undefined,
    );
  if (!(await bodyWithinLimit(request)))
    return errorReply(
      413,
      "USAGE",
      `Cannot accept a body over ${MAX_BODY_BYTES} bytes: no route takes one that large.`,
    );
  try {
    return await match.route.handle({ request, params: match.params, query: url.searchParams });
  } catch (error) {
    return failureReply(error, `${match.route.method} ${match.route.path}`, log);
  }
}

// URL.parse would do, but Node 20 lacks it.
function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? "/", "http://dashboard.invalid");
  } catch {
    return undefined;
  }
}

// Reads (and drops) the body, giving up once it passes the limit.
function bodyWithinLimit(request: IncomingMessage): Promise<boolean> {
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        resolve(false);
      }
    });
    request.on("end", () => resolve(size <= MAX_BODY_BYTES));
    request.on("error", () => resolve(false));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
