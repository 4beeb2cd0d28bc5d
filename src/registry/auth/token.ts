import { DigestguardError } from "../../errors/error.js";
import type { HttpTransport, TlsSettings } from "../http-transport.js";
import { readLimited } from "../read-limited.js";
import { registryError } from "../registry-error.js";
import type { Credentials } from "./credentials.js";

/** A bearer token and when it stops being usable (epoch ms). */
export interface BearerToken {
  token: string;
  expiresAt: number;
}

/** Where and for what to ask for a token: the parameters of a Bearer challenge. */
export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
  credentials?: Credentials;
  tls?: TlsSettings;
  signal?: AbortSignal;
}

// Tokens are refreshed this long before they expire, so a slow request never
// arrives at the registry with a token that just lapsed.
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_EXPIRES_IN_S = 60;
// Real token answers are a few KiB; this only stops a server that never stops.
const TOKEN_BODY_LIMIT = 1 << 20;

/**
 * Fetch a token from a distribution token server: the OAuth2 POST flow with
 * a refresh token when the user has an identity token, otherwise GET with
 * Basic credentials (or anonymously), as docker does.
 *
 * @example
 * ```ts
 * const { token } = await fetchToken(http, { realm, service, scopes: ["repository:app:pull"] });
 * ```
 */
export async function fetchToken(http: HttpTransport, request: TokenRequest): Promise<BearerToken> {
  const realm = parseRealm(request.realm);
  const response =
    request.credentials !== undefined && "identityToken" in request.credentials
      ? await http.send({
          method: "POST",
          url: realm,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: oauthForm(request, request.credentials.identityToken).toString(),
          tls: request.tls,
          signal: request.signal,
        })
      : await http.send({
          method: "GET",
          url: withQuery(realm, request),
          headers: basicHeader(request.credentials),
          tls: request.tls,
          signal: request.signal,
        });
  if (response.status !== 200) {
    throw await registryError(
      response,
      `get a token from ${realm.origin} for ${request.scopes.join(" ") || "the registry"}`,
    );
  }
  const body = await readLimited(
    response.body,
    TOKEN_BODY_LIMIT,
    `the token answer from ${realm.origin}`,
    "REGISTRY_ERROR",
  );
  return readToken(Buffer.from(body).toString("utf8"), realm);
}

function parseRealm(realm: string): URL {
  try {
    const url = new URL(realm);
    if (url.protocol === "https:" || url.protocol === "http:") return url;
  } catch {
    // fall through to the error below
  }
  throw new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot authenticate: the registry's token realm "${realm}" is not an http(s) URL.`,
  );
}

function withQuery(realm: URL, request: TokenRequest): URL {
  const url = new URL(realm);
  if (request.service) url.searchParams.set("service", request.service);
  for (const scope of request.scopes) url.searchParams.append("scope", scope);
  return url;
}

function oauthForm(request: TokenRequest, refreshToken: string): URLSearchParams {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: "digestguard",
  });
  if (request.service) form.set("service", request.service);
  if (request.scopes.length > 0) form.set("scope", request.scopes.join(" "));
  return form;
}

function basicHeader(credentials: Credentials | undefined): Record<string, string> {
  if (credentials === undefined || !("username" in credentials)) return {};
  const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  return { authorization: `Basic ${encoded}` };
}

function readToken(text: string, realm: URL): BearerToken {
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot authenticate: the token server at ${realm.origin} answered with something that is not JSON.`,
    );
  }
  const token = typeof body.token === "string" && body.token !== "" ? body.token : body.access_token;
  if (typeof token !== "string" || token === "") {
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot authenticate: the token server at ${realm.origin} returned no token.`,
    );
  }
  const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_S;
  const issuedAt = typeof body.issued_at === "string" ? Date.parse(body.issued_at) : Number.NaN;
  const start = Number.isNaN(issuedAt) || issuedAt > Date.now() ? Date.now() : issuedAt;
  // A short-lived token keeps half its life rather than being born expired.
  const margin = Math.min(EXPIRY_MARGIN_MS, (expiresIn * 1000) / 2);
  return { token, expiresAt: start + expiresIn * 1000 - margin };
}
