import { parseChallenges } from "./auth/challenge.js";
import { repositoryScope, type Authenticator } from "./auth/authenticator.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader, type HttpResponse, type HttpTransport } from "./http-transport.js";
import type { HostSessions } from "./host-session.js";
import { registryError } from "./registry-error.js";
import { withRetry, type RetryPolicy } from "./retry.js";

/** One request to a repository's part of the registry API. */
export interface RepositoryRequest {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** Path below `/v2/<repository>/`, or an absolute URL (upload locations). */
  path: string;
  headers?: Record<string, string>;
  /** A factory, so a retried request can send its body again. */
  body?: () => Uint8Array | string | NodeJS.ReadableStream;
  actions: ("pull" | "push")[];
  /** Statuses the caller handles itself (e.g. 404 on HEAD). */
  accept?: number[];
  /** What the caller is doing, for error messages: "fetch manifest app:1". */
  doing: string;
  signal?: AbortSignal;
}

/** A request counter, for `--stats` and benchmarks. */
export interface RequestStats {
  requests: number;
  byKind: Record<string, number>;
}

/**
 * Sends repository requests with everything a registry conversation needs:
 * the host session (scheme, challenge), authorization for the repository
 * scope, one re-authentication when the registry answers 401, retries of
 * temporary failures, and typed errors for every other failure.
 *
 * @example
 * ```ts
 * const res = await sender.send(endpoint, "library/alpine", { method: "HEAD", path: "manifests/3.19", actions: ["pull"], doing: "resolve alpine:3.19" });
 * ```
 */
export class RequestSender {
  readonly stats: RequestStats = { requests: 0, byKind: {} };

  constructor(
    private readonly http: HttpTransport,
    private readonly sessions: HostSessions,
    private readonly auth: Authenticator,
    private readonly retry?: RetryPolicy,
  ) {}

  /** Send `request` to `repository` at `endpoint`; the caller consumes the body. */
  send(endpoint: Endpoint, repository: string, request: RepositoryRequest): Promise<HttpResponse> {
    return withRetry(() => this.#attempt(endpoint, repository, request), { signal: request.signal, policy: this.retry });
  }

  async #attempt(endpoint: Endpoint, repository: string, request: RepositoryRequest): Promise<HttpResponse> {
    const session = await this.sessions.get(endpoint.host, request.signal);
    const name = `${endpoint.prefix}${repository}`;
    const scopes = [repositoryScope(name, request.actions)];
    const url = /^https?:\/\//.test(request.path) ? new URL(request.path) : new URL(`/v2/${name}/${request.path}`, session.baseUrl);
    const sendWith = async (auth: Record<string, string>): Promise<HttpResponse> => {
      this.#count(request.method, request.path);
      return this.http.send({
        method: request.method,
        url,
        headers: { ...request.headers, ...auth },
        body: request.body?.() as Uint8Array | string | undefined,
        tls: session.tls,
        signal: request.signal,
      });
    };
    let response = await sendWith(await this.auth.headers(session, scopes, repository, request.signal));
    if (response.status === 401) {
      const challenge = parseChallenges(firstHeader(response.headers, "www-authenticate") ?? "")[0];
      if (challenge !== undefined) {
        await response.body.dump();
        this.sessions.learn(session, challenge);
        this.auth.forget(session, scopes);
        response = await sendWith(await this.auth.headers(session, scopes, repository, request.signal));
      }
    }
    if (response.status >= 400 && !(request.accept ?? []).includes(response.status)) {
      throw await registryError(response, request.doing);
    }
    return response;
  }

  #count(method: string, path: string): void {
    const kind = `${method} ${path.startsWith("http") ? "upload" : path.split("/")[0]}`;
    this.stats.requests++;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
  }
}
