import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isLoopback } from "./listen-address.js";

/** Who may do what: decided by the bound address and the configured token. */
export interface AccessPolicy {
  /** The bearer token; undefined when none is configured. */
  token: string | undefined;
  /** Whether the server is bound to a loopback address only. */
  loopbackBind: boolean;
}

/** Why a request is refused. */
export interface Refusal {
  status: 401 | 403;
  code: "UNAUTHORIZED" | "DENIED";
  message: string;
}

/**
 * Decide whether a request may go on. The rule follows the bound address,
 * never the peer's: bound beyond loopback, every request needs
 * `Authorization: Bearer TOKEN`; on loopback reads are open to requests
 * that name a loopback host. Writes always
 * need the token and must not come from another site (a browser's `Origin`
 * or `Sec-Fetch-Site`), so a page elsewhere cannot make a visitor's browser
 * post here; bearer-only auth means no ambient credentials exist anyway.
 *
 * @example
 * ```ts
 * refusal(req, { write: true }, { token: "s3cret", loopbackBind: true }); // undefined when allowed
 * ```
 */
export function refusal(
  request: IncomingMessage,
  route: { write: boolean },
  policy: AccessPolicy,
): Refusal | undefined {
  if (policy.loopbackBind && !hostIsLoopback(request.headers.host)) {
    return {
      status: 403,
      code: "DENIED",
      message: "Cannot accept a request for another host name: a loopback dashboard answers only to loopback names.",
    };
  }
  if (route.write && crossSite(request)) {
    return {
      status: 403,
      code: "DENIED",
      message: "Cannot accept a cross-site request: write actions must come from this origin or a non-browser client.",
    };
  }
  if (!route.write && policy.loopbackBind) return undefined;
  if (policy.token === undefined) {
    return {
      status: 403,
      code: "DENIED",
      message:
        "Cannot accept a write action: no API token is configured; set watch.listen.token, watch.listen.tokenFile or DIGESTGUARD_API_TOKEN.",
    };
  }
  if (!bearerMatches(request.headers.authorization, policy.token)) {
    return {
      status: 401,
      code: "UNAUTHORIZED",
      message: "Cannot accept the request: it needs the header Authorization: Bearer <token>.",
    };
  }
  return undefined;
}

// A page elsewhere can point its own DNS name at 127.0.0.1 (DNS rebinding)
// and read a loopback server as same-origin; its requests still carry that
// name in Host, so a loopback bind answers only to loopback names.
function hostIsLoopback(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(host)?.[1];
  return name !== undefined && isLoopback(name);
}

function crossSite(request: IncomingMessage): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

// Hashing both sides first gives equal lengths, so the comparison time says nothing about the token.
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? "");
  if (match === null) return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1] as string), digest(token));
}
