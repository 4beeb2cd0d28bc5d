import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** Where the proxy forwards to, and the pooled connections it uses. */
export interface Upstream {
  /** The registry's origin, e.g. `https://127.0.0.1:5000`. */
  origin: URL;
  agent: HttpAgent;
}

/**
 * An {@link Upstream} for a registry origin, trusting `caPem` for https.
 *
 * @example
 * ```ts
 * const upstream = upstreamFor(registry.url, registry.caPem);
 * ```
 */
export function upstreamFor(url: string, caPem: string | undefined): Upstream {
  const origin = new URL(url);
  const agent =
    origin.protocol === "https:"
      ? new HttpsAgent({ keepAlive: true, ...(caPem === undefined ? {} : { ca: caPem }) })
      : new HttpAgent({ keepAlive: true });
  return { origin, agent };
}

// Headers that describe one connection, not the message: each hop sets its own.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
]);

/**
 * Request headers to send on, without hop-by-hop ones; `authorization`
 * replaces the client's (a string) or removes it (`null`) when given.
 *
 * @example
 * ```ts
 * forwardedHeaders(req.headers, { authorization: null });
 * ```
 */
export function forwardedHeaders(
  headers: IncomingHttpHeaders,
  options: { authorization?: string | null } = {},
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  if (options.authorization === null) delete out["authorization"];
  else if (options.authorization !== undefined) out["authorization"] = options.authorization;
  return out;
}

/**
 * Response headers to send back, without hop-by-hop ones, with `Location`s
 * that point at the registry moved to `proxyOrigin`: the registry builds
 * upload locations from the Host it was asked under, which is its own, and a
 * client following them would bypass the proxy.
 *
 * @example
 * ```ts
 * res.writeHead(upRes.statusCode ?? 502, returnedHeaders(upRes.headers, upstream.origin, proxy.url));
 * ```
 */
export function returnedHeaders(
  headers: IncomingHttpHeaders,
  upstreamOrigin: URL,
  proxyOrigin: string,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  const location = out["location"];
  if (typeof location === "string" && location.startsWith(upstreamOrigin.origin)) {
    out["location"] = proxyOrigin + location.slice(upstreamOrigin.origin.length);
  }
  return out;
}

/**
 * Send `req` (method, target, headers and streamed body) to the registry and
 * resolve with its answer, headers read and body not yet consumed.
 *
 * @example
 * ```ts
 * const upRes = await forwardRequest(req, upstream, { path: req.url ?? "/" });
 * ```
 */
export function forwardRequest(
  req: IncomingMessage,
  upstream: Upstream,
  options: { path: string; authorization?: string | null },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = upstream.origin.protocol === "https:" ? httpsRequest : httpRequest;
    const upReq = send(
      {
        protocol: upstream.origin.protocol,
        hostname: upstream.origin.hostname,
        port: upstream.origin.port,
        method: req.method ?? "GET",
        path: options.path,
        agent: upstream.agent,
        headers: { ...forwardedHeaders(req.headers, options), host: upstream.origin.host },
      },
      resolve,
    );
    upReq.once("error", reject);
    // A client that goes away mid-upload must not leave a half-sent request open upstream.
    req.once("close", () => {
      if (!req.complete) upReq.destroy(new Error("The client went away before its request was complete."));
    });
    req.pipe(upReq);
  });
}
