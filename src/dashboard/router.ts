import type { IncomingMessage } from "node:http";

/** What a handler answers: a status, a content type and a body. */
export interface Reply {
  status: number;
  type: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/** What a handler gets: the request, its path parameters and its query. */
export interface RouteRequest {
  request: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** One route: `GET /api/v1/images/{reference}`. */
export interface Route {
  method: "GET" | "POST";
  /** Path with `{name}` segments; a segment matches one percent-encoded path segment. */
  path: string;
  /** A write action: POST-only, token and same-origin required. */
  write?: boolean;
  handle(request: RouteRequest): Promise<Reply>;
}

/** Where a request lands: a route with its parameters, a path known under other methods (405), or nothing (404). */
export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined;

/**
 * Find the route for a method and path. `{name}` matches one segment,
 * percent-decoded (so `%2F` carries a `/` inside a reference).
 *
 * @example
 * ```ts
 * matchRoute(routes, "GET", "/api/v1/images/docker.io%2Flibrary%2Falpine%3A3");
 * ```
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.method === method || (method === "HEAD" && route.method === "GET")) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = got[i] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== segment) return undefined;
      continue;
    }
    if (segment === "") return undefined;
    try {
      params[name] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}
