import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendFaultyBody } from "./fault-proxy-body.js";
import { forwardRequest, returnedHeaders, upstreamFor, type Upstream } from "./fault-proxy-forward.js";
import { answerDirectly, readAll, recordRequest, relayAnswer, type ProxiedRequest } from "./fault-proxy-relay.js";
import { FaultRules, isBodyFault, requestShape, type FaultRule } from "./fault-proxy-rules.js";
import type { RunningRegistry } from "./registry.js";

export type { ProxiedRequest } from "./fault-proxy-relay.js";
export type { Fault, FaultMatch, FaultRule } from "./fault-proxy-rules.js";

/** A plain-HTTP loopback proxy in front of a harness registry that misbehaves on request; see {@link startFaultProxy}. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`: give it to clients as the registry host (they fall back to http on loopback). */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Install rules; each request is matched against them in order; the first match with remaining `times` applies. */
  setFaults(rules: FaultRule[]): void;
  /** Remove every rule: requests pass through untouched. */
  clearFaults(): void;
  /** Every request seen, oldest first. */
  readonly requests: ProxiedRequest[];
  /** The second origin blob redirects point to, and the requests it saw (was an Authorization header sent there?). */
  readonly otherOrigin: { url: string; requests: ProxiedRequest[] };
  /** Close both servers and every connection (stalled ones too). Idempotent. */
  stop(): Promise<void>;
}

// The other origin trusts a redirect by this query parameter, as a storage
// backend trusts a presigned URL: the authority travels in the URL, so the
// client must not (and need not) send its registry credentials there.
const GRANT_PARAM = "fault-proxy-grant";

interface ProxyState {
  url: string;
  otherUrl: string;
  upstream: Upstream;
  rules: FaultRules;
  requests: ProxiedRequest[];
  otherRequests: ProxiedRequest[];
  /** Redirect grant → the Authorization of the request that was redirected. */
  grants: Map<string, string | undefined>;
}

/**
 * Start a fault-injecting proxy in front of `upstream`. Without rules it is
 * transparent: method, path, query, headers and bodies (uploads included)
 * go through, the registry's status and headers come back, and `Location`s
 * pointing at the registry are rewritten to the proxy.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy(registry);
 * proxy.setFaults([{ match: { kind: "blob" }, times: 1, fault: { type: "reset-mid-body", afterBytes: 100 } }]);
 * const client = clientFor({ ...registry, host: proxy.host });
 * await proxy.stop();
 * ```
 */
export async function startFaultProxy(upstream: RunningRegistry): Promise<FaultProxy> {
  const main = await listenOnLoopback();
  const other = await listenOnLoopback();
  const state: ProxyState = {
    url: main.url,
    otherUrl: other.url,
    upstream: upstreamFor(upstream.url, upstream.caPem),
    rules: new FaultRules(),
    requests: [],
    otherRequests: [],
    grants: new Map(),
  };
  main.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const record = recordRequest(req, res);
    state.requests.push(record);
    guarded(res, record, proxied(state, req, res, record));
  });
  other.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const record = recordRequest(req, res);
    state.otherRequests.push(record);
    guarded(res, record, servedElsewhere(state, req, res, record));
  });
  let stopping: Promise<void> | undefined;
  return {
    host: new URL(main.url).host,
    url: main.url,
    setFaults: (rules) => state.rules.set(rules),
    clearFaults: () => state.rules.clear(),
    requests: state.requests,
    otherOrigin: { url: other.url, requests: state.otherRequests },
    stop: () => {
      stopping ??= Promise.all([closeServer(main.server), closeServer(other.server)]).then(() =>
        state.upstream.agent.destroy(),
      );
      return stopping;
    },
  };
}

async function proxied(
  state: ProxyState,
  req: IncomingMessage,
  res: ServerResponse,
  record: ProxiedRequest,
): Promise<void> {
  const taken = state.rules.take(requestShape(req.method ?? "GET", req.url ?? "/"));
  const fault = taken?.fault;
  if (fault?.type === "status") {
    record.fault = fault;
    const headers = {
      ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }),
      ...(fault.body === undefined ? {} : { "content-type": "application/json" }),
    };
    return answerDirectly(req, res, record, fault.status, headers, fault.body ?? "");
  }
  if (fault?.type === "redirect-other-origin") {
    record.fault = fault;
    const grant = randomBytes(12).toString("hex");
    state.grants.set(grant, req.headers.authorization);
    const location = new URL(req.url ?? "/", state.otherUrl);
    location.searchParams.set(GRANT_PARAM, grant);
    return answerDirectly(req, res, record, 307, { location: location.href }, "");
  }
  const upRes = await forwardRequest(req, state.upstream, { path: req.url ?? "/" });
  const headers = returnedHeaders(upRes.headers, state.upstream.origin, state.url);
  const status = upRes.statusCode ?? 502;
  if (fault?.type === "lying-digest-header") {
    record.fault = fault;
    headers["docker-content-digest"] = fault.digest;
  } else if (fault?.type === "foreign-location" && typeof headers["location"] === "string") {
    record.fault = fault;
    const moved = new URL(headers["location"], state.url);
    headers["location"] = `${state.otherUrl}${moved.pathname}${moved.search}`;
  } else if (taken !== undefined && fault !== undefined && isBodyFault(fault)) {
    if (status === 200 || status === 206) {
      record.fault = fault;
      record.status = status;
      return sendFaultyBody(res, { status, headers, body: await readAll(upRes) }, fault, record);
    }
    taken.refund(); // an error answer has no content to damage; keep the fault for a request that does
  }
  relayAnswer(res, upRes, headers, record);
}

/** The other origin: serves what the redirect pointed at, with the redirected request's authority, never the client's. */
async function servedElsewhere(
  state: ProxyState,
  req: IncomingMessage,
  res: ServerResponse,
  record: ProxiedRequest,
): Promise<void> {
  const target = new URL(req.url ?? "/", state.otherUrl);
  const grant = target.searchParams.get(GRANT_PARAM);
  if (grant === null || !state.grants.has(grant)) {
    return answerDirectly(req, res, record, 403, { "content-type": "text/plain" }, "no valid grant in the URL\n");
  }
  target.searchParams.delete(GRANT_PARAM);
  const upRes = await forwardRequest(req, state.upstream, {
    path: `${target.pathname}${target.search}`,
    authorization: state.grants.get(grant) ?? null,
  });
  relayAnswer(res, upRes, returnedHeaders(upRes.headers, state.upstream.origin, state.otherUrl), record);
}

// A failure inside the proxy must show up as an answer (502), or as a cut
// connection once headers are out, never as an unhandled rejection.
function guarded(res: ServerResponse, record: ProxiedRequest, handling: Promise<void>): void {
  handling.catch((error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    record.status = 502;
    res.writeHead(502, { "content-type": "text/plain" }).end(`fault proxy: ${(error as Error).message}\n`);
  });
}

async function listenOnLoopback(): Promise<{ server: Server; url: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
