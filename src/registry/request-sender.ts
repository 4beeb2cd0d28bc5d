import { DigestguardError } from "../errors/error.js";
import { parseChallenges } from "./auth/challenge.js";
import { repositoryScope, type Authenticator } from "./auth/authenticator.js";
import type { Endpoint } from "./endpoints.js";
import { bufferedDocument } from "./buffered-document.js";
import { firstHeader, type HttpResponse, type HttpTransport } from "./http-transport.js";
import type { HostSessions } from "./host-session.js";
import { registryError } from "./registry-error.js";
import { withRetry, type RetryEvent, type RetryPolicy } from "./retry.js";

/** One request to a repository's part of the registry API. */
export interface RepositoryRequest {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** Path below `/v2/<repository>/`, or an absolute URL (upload locations). */
  path: string;
  headers?: Record<string, string>;
  /** A factory, so a retried request can send its body again. */
  body?: () => Uint8Array | string | NodeJS.ReadableStream;
  actions: ("pull" | "push")[];
  /** Another repository to ask pull access to as well (the source of a cross-repository mount). */
  alsoPullFrom?: string;
  /** Statuses the caller handles itself (e.g. 404 on HEAD). */
  accept?: number[];
  /** What the caller is doing, for error messages: "fetch manifest app:1". */
  doing: string;
  signal?: AbortSignal;
}

/** A retry about to happen, with the host and the work it is for: the CLI says so on stderr. */
export interface RequestRetryEvent extends RetryEvent {
  host: string;
  doing: string;
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
 * temporary failures, and typed errors for every other failure. This is
 * the one place requests are retried: nothing below it (the host ping) or
 * above it (resumed blob reads, mirrors) repeats a failed request again.
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
    private readonly onRetry?: (event: RequestRetryEvent) => void,
    private readonly onResponse?: (host: string, status: number) => void,
  ) {}

  /** Send `request` to `repository` at `endpoint`; the caller consumes the body. */
  send(endpoint: Endpoint, repository: string, request: RepositoryRequest): Promise<HttpResponse> {
    const watcher = this.onRetry;
    return withRetry(() => this.#attempt(endpoint, repository, request), {
      signal: request.signal,
      policy: this.retry,
      ...(watcher === undefined
        ? {}
        : { onRetry: (_error, _waitMs, event) => watcher({ ...event, host: endpoint.host, doing: request.doing }) }),
    });
  }

  async #attempt(endpoint: Endpoint, repository: string, request: RepositoryRequest): Promise<HttpResponse> {
    const session = await this.sessions.get(endpoint.host, request.signal);
    const name = `${endpoint.prefix}${repository}`;
    const scopes = [repositoryScope(name, request.actions)];
    if (request.alsoPullFrom !== undefined)
      scopes.push(repositoryScope(`${endpoint.prefix}${request.alsoPullFrom}`, ["pull"]));
    const url = /^https?:\/\//.test(request.path)
      ? new URL(request.path)
      : new URL(`/v2/${name}/${request.path}`, session.baseUrl);
    if (url.origin !== session.baseUrl.origin) throw foreignLocation(request.doing, url, session.baseUrl);
    const streaming = request.body !== undefined || (request.method === "GET" && request.path.startsWith("blobs/"));
    const sendWith = async (auth: Record<string, string>): Promise<HttpResponse> => {
      this.#count(request.method, request.path);
      const response = await this.http.send({
        method: request.method,
        url,
        headers: { ...request.headers, ...auth },
        body: request.body?.() as Uint8Array | string | undefined,
        tls: session.tls,
        signal: request.signal,
        streaming,
      });
      this.onResponse?.(endpoint.host, response.status);
      return response;
    };
    let response = await sendWith(await this.auth.headers(session, scopes, repository, request.signal));
    // A 401 from wherever a redirect led is that server's business: learning
    // its challenge would send this registry's credentials to its realm.
    if (response.status === 401 && response.url.origin === session.baseUrl.origin) {
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
    if (request.method === "GET" && !streaming && response.status < 300)
      return bufferedDocument(response, request.path, request.doing);
    return response;
  }

  #count(method: string, path: string): void {
    const kind = `${method} ${path.startsWith("http") ? "upload" : path.split("/")[0]}`;
    this.stats.requests++;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
  }
}

// Pagination links and upload locations come from the registry's answers; one
// that points elsewhere (or from https to http) would carry our Authorization there.
function foreignLocation(doing: string, url: URL, registry: URL): DigestguardError {
  return new DigestguardError(
    "REDIRECT_REFUSED",
    `Cannot ${doing}: the registry pointed to ${url.origin}, which is not its own origin ${registry.origin}; digestguard sends registry requests and credentials only to the registry itself. Ask the registry's operator to keep links on its own origin.`,
  );
}
