import { DigestguardError } from "../../errors/error.js";
import type { HttpTransport, TlsSettings } from "../http-transport.js";
import type { HostSession } from "../host-session.js";
import type { Credentials } from "./credentials.js";
import { fetchToken, type BearerToken } from "./token.js";

/** Looks up credentials for a registry host (and repository, for namespaced auth entries). */
export type CredentialLookup = (
  host: string,
  repository: string | undefined,
  signal?: AbortSignal,
) => Promise<Credentials | undefined>;

/**
 * Produces the `Authorization` header for a request: Basic when the host
 * asked for Basic, a Bearer token per scope when it asked for tokens. Tokens
 * are cached per host and scope until shortly before they expire, and
 * concurrent requests for the same scope share one token request.
 *
 * @example
 * ```ts
 * const auth = new Authenticator(http, (host) => findCredentials(host));
 * const headers = await auth.headers(session, ["repository:app:pull"]);
 * ```
 */
export class Authenticator {
  readonly #tokens = new Map<string, Promise<BearerToken>>();
  readonly #credentials = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly http: HttpTransport,
    private readonly lookup: CredentialLookup,
  ) {}

  /** Headers that authorize `scopes` on the session's host (empty when it wants no auth). */
  async headers(
    session: HostSession,
    scopes: string[],
    repository?: string,
    signal?: AbortSignal,
  ): Promise<Record<string, string>> {
    const challenge = session.challenge;
    if (challenge === undefined) return {};
    const credentials = await this.#credentialsFor(session.host, repository, signal);
    if (challenge.scheme === "basic") {
      if (credentials === undefined || !("username" in credentials)) return {};
      return {
        authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
      };
    }
    const realm = challenge.params["realm"];
    if (challenge.scheme !== "bearer" || realm === undefined) return {};
    const token = await this.#token(session, {
      realm,
      service: challenge.params["service"],
      scopes,
      credentials,
      signal,
    });
    return { authorization: `Bearer ${token.token}` };
  }

  /** Forget the cached token for these scopes (after the registry refused it). */
  forget(session: HostSession, scopes: string[]): void {
    this.#tokens.delete(tokenKey(session, scopes));
  }

  #credentialsFor(
    host: string,
    repository: string | undefined,
    signal?: AbortSignal,
  ): Promise<Credentials | undefined> {
    const key = `${host}/${repository ?? ""}`;
    let found = this.#credentials.get(key);
    if (found === undefined) {
      found = this.lookup(host, repository, signal);
      // A failed lookup (helper timed out) is not remembered: the next request asks again.
      found.catch(() => this.#credentials.delete(key));
      this.#credentials.set(key, found);
    }
    return found;
  }

  async #token(
    session: HostSession,
    request: {
      realm: string;
      service: string | undefined;
      scopes: string[];
      credentials: Credentials | undefined;
      signal?: AbortSignal;
    },
  ): Promise<BearerToken> {
    const key = tokenKey(session, request.scopes);
    for (let cached = this.#tokens.get(key); cached !== undefined; cached = this.#tokens.get(key)) {
      const token = await cached.catch(() => undefined);
      if (token !== undefined && token.expiresAt > Date.now()) return token;
      if (this.#tokens.get(key) === cached) {
        this.#tokens.delete(key);
        break;
      }
      // Another caller began a refresh while this one waited: share it rather than start one more.
    }
    const realm = checkedRealm(session, request.realm);
    const pending = fetchToken(this.http, { ...request, tls: realmTls(session, realm) });
    pending.catch(() => this.#tokens.delete(key));
    this.#tokens.set(key, pending);
    return pending;
  }
}

// Credentials go to the token realm the registry names, but only over https:
// a plain-http realm is accepted only from a registry that speaks plain http
// itself (loopback or marked insecure), where nothing better was on offer.
function checkedRealm(session: HostSession, realm: string): URL | undefined {
  if (!URL.canParse(realm)) return undefined; // fetchToken explains what is wrong with it
  const url = new URL(realm);
  if (url.protocol === "http:" && session.baseUrl.protocol === "https:") {
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot authenticate to ${session.host}: it speaks https but names a plain-http token realm (${url.origin}), which would carry credentials in cleartext; ask its operator to serve the token realm over https.`,
    );
  }
  return url;
}

// --insecure was given for the registry's host; a realm elsewhere gets full verification.
function realmTls(session: HostSession, realm: URL | undefined): TlsSettings {
  return realm === undefined || realm.host === session.host
    ? session.tls
    : { insecureSkipVerify: false, caPem: session.tls.caPem ?? [] };
}

function tokenKey(session: HostSession, scopes: string[]): string {
  return `${session.host} ${session.challenge?.params["realm"] ?? ""} ${[...scopes].sort().join(" ")}`;
}

/**
 * The token scope for a repository and the actions wanted.
 *
 * @example
 * ```ts
 * repositoryScope("library/alpine", ["pull"]); // "repository:library/alpine:pull"
 * ```
 */
export function repositoryScope(repository: string, actions: ("pull" | "push")[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}
