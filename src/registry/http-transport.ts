import { createHash } from "node:crypto";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";
import { DigestguardError } from "../errors/error.js";
import { networkError } from "./network-error.js";
import { Deadline } from "./request-deadline.js";

import type { HttpRequest, HttpResponse, HttpTimeouts, TlsSettings } from "./http-types.js";

export type { HttpRequest, HttpResponse, HttpTimeouts, TlsSettings } from "./http-types.js";

const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000, totalMs: 60_000 };
const MAX_REDIRECTS = 5;

/**
 * Sends HTTP requests with pooled, reused connections (a bounded number per
 * origin), per-host TLS settings, timeouts, and redirects followed by hand so
 * that `Authorization` never leaves its origin and https never falls back
 * to http.
 *
 * @example
 * ```ts
 * const http = new HttpTransport();
 * const res = await http.send({ method: "GET", url: new URL("https://127.0.0.1:5000/v2/") });
 * await res.body.dump();
 * ```
 */
export class HttpTransport {
  readonly #agents = new Map<string, Dispatcher>();
  readonly #timeouts: HttpTimeouts;
  readonly #connectionsPerOrigin: number;

  readonly #env: NodeJS.ProcessEnv;

  constructor(
    options: { timeouts?: Partial<HttpTimeouts>; connectionsPerOrigin?: number; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#env = options.env ?? process.env;
    this.#connectionsPerOrigin = options.connectionsPerOrigin ?? 8;
  }

  /** Send one request, following up to five redirects. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url;
    let headers = { ...request.headers };
    let tls = request.tls;
    for (let hop = 0; ; hop++) {
      const response = await this.#sendOnce({ ...request, url, headers, tls });
      const location = firstHeader(response.headers, "location");
      if (!isRedirect(response.status) || location === undefined) return response;
      await response.body.dump();
      if (hop >= MAX_REDIRECTS) {
        throw new DigestguardError(
          "REDIRECT_REFUSED",
          `Cannot follow redirects from ${request.url.origin}: more than ${MAX_REDIRECTS} hops.`,
        );
      }
      const next = new URL(location, url);
      if (url.protocol === "https:" && next.protocol !== "https:") {
        throw new DigestguardError(
          "REDIRECT_REFUSED",
          `Cannot follow a redirect from ${url.origin} to ${next.origin}: it downgrades https to ${next.protocol.slice(0, -1)}.`,
        );
      }
      if (next.origin !== url.origin) headers = withoutAuthorization(headers);
      // --insecure was given for the host the user named, not for wherever it sends us.
      if (next.host !== request.url.host) tls = verifiedTls(request.tls);
      url = next;
    }
  }

  /** Close every pooled connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((agent) => agent.close()));
    this.#agents.clear();
  }

  async #sendOnce(request: HttpRequest): Promise<HttpResponse> {
    const dispatcher = this.#agentFor(request.tls ?? {}, proxyFor(request.url, this.#env));
    const deadline = request.streaming === true ? undefined : new Deadline(this.#timeouts.totalMs, request.signal);
    const typed = (error: unknown): DigestguardError => networkError(error, request, deadline?.expired === true);
    try {
      const response = await dispatcher.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        // undici closes the connection after a HEAD unless told otherwise; keeping it halves check's handshakes.
        reset: false,
        headers: request.headers,
        body: request.body,
        signal: deadline?.signal ?? request.signal,
        // Large body buffers: with the 64 KiB default the socket pauses constantly and blob reads crawl.
        highWaterMark: 4 << 20,
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyMs,
      });
      deadline?.until(response.body);
      return {
        status: response.statusCode,
        headers: response.headers,
        body: withTypedErrors(response.body, typed),
        url: request.url,
      };
    } catch (error) {
      deadline?.clear();
      throw typed(error);
    }
  }

  #agentFor(tls: TlsSettings, proxy: string | undefined): Dispatcher {
    const key = `${tlsKey(tls)}\n${proxy ?? ""}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const connect = {
        timeout: this.#timeouts.connectMs,
        rejectUnauthorized: !(tls.insecureSkipVerify ?? false),
        ...(needsOwnContext(tls) ? { secureContext: contextFor(tls) } : {}),
      };
      const pool = { connections: this.#connectionsPerOrigin, keepAliveTimeout: 10_000, connect };
      // Through a proxy the registry's TLS is spoken inside the CONNECT tunnel:
      // undici's ProxyAgent takes those settings as `requestTls`, not `connect`.
      // EnvHttpProxyAgent is given the one proxy for this scheme and applies NO_PROXY.
      agent =
        proxy !== undefined
          ? new EnvHttpProxyAgent({
              ...pool,
              requestTls: connect,
              httpProxy: proxy,
              httpsProxy: proxy,
              noProxy: firstSet(this.#env, ["no_proxy", "NO_PROXY"]) ?? "",
            })
          : new Agent(pool);
      this.#agents.set(key, agent);
    }
    return agent;
  }
}

/** The first value of a response header. */
export function firstHeader(headers: HttpResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

// undici fails a body that stalls or is cut off by destroying it with its own
// error; translating that error as it is raised means every consumer (text(),
// async iteration, pipeline) sees a typed, retryable DigestguardError instead.
function withTypedErrors(
  body: HttpResponse["body"],
  typed: (error: unknown) => DigestguardError,
): HttpResponse["body"] {
  const destroy = body.destroy.bind(body);
  body.destroy = (error?: Error) => destroy(error === undefined || error === null ? error : typed(error));
  return body;
}

// Every request looks its agent up, so the key is short: a digest of the
// settings, computed once per settings object and once per CA list (the auth
// path builds settings objects of its own around the same CA list). A key
// holding the PEMs themselves was hashed by the Map on every request.
const tlsKeys = new WeakMap<TlsSettings, string>();
const pemKeys = new WeakMap<readonly string[], string>();
const NO_PEMS: readonly string[] = [];
function tlsKey(tls: TlsSettings): string {
  let key = tlsKeys.get(tls);
  if (key === undefined) {
    const client = tls.clientCertPem === undefined ? "" : digestOf([tls.clientCertPem, tls.clientKeyPem ?? ""]);
    key = `${tls.insecureSkipVerify === true ? "insecure" : "verify"} ${pemKey(tls.caPem ?? NO_PEMS)} ${client}`;
    tlsKeys.set(tls, key);
  }
  return key;
}

function pemKey(pems: readonly string[]): string {
  let key = pemKeys.get(pems);
  if (key === undefined) {
    key = digestOf(pems);
    pemKeys.set(pems, key);
  }
  return key;
}

function digestOf(parts: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

function verifiedTls(tls: TlsSettings | undefined): TlsSettings {
  // The client certificate was meant for the host the user named; it is not shown to another.
  return { insecureSkipVerify: false, caPem: tls?.caPem ?? [] };
}

function needsOwnContext(tls: TlsSettings): boolean {
  return (tls.caPem !== undefined && tls.caPem.length > 0) || tls.clientCertPem !== undefined;
}

/**
 * The proxy for a URL's scheme as Go programs (docker, containerd, skopeo)
 * choose it: HTTPS_PROXY for https, HTTP_PROXY for http, lower case first;
 * an https request never falls back to HTTP_PROXY. NO_PROXY is applied by
 * the proxy agent.
 *
 * @example
 * ```ts
 * proxyFor(new URL("https://ghcr.io/v2/"), { HTTPS_PROXY: "http://127.0.0.1:3128" }); // "http://127.0.0.1:3128"
 * ```
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  return firstSet(env, url.protocol === "https:" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]);
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  return names.map((name) => env[name]).find((v) => v !== undefined && v !== "");
}

// The default context already trusts the system roots and NODE_EXTRA_CA_CERTS;
// adding the user's CAs to it is cheap, whereas `ca: [...]` would replace the
// store and mean re-parsing ~150 root certificates (tens of milliseconds).
// A given secureContext makes tls.connect ignore `cert`/`key`, so the client
// certificate goes into the context itself.
function contextFor(tls: TlsSettings): SecureContext {
  const context = createSecureContext(
    tls.clientCertPem !== undefined ? { cert: tls.clientCertPem, key: tls.clientKeyPem } : {},
  );
  const store = context.context as { addCACert(pem: string): void };
  const added = certificatesNotBuiltIn(tls.caPem ?? []);
  if (added.length > 0) store.addCACert(added.join("\n"));
  return context;
}

let builtInRoots: Set<string> | undefined;

// SSL_CERT_FILE usually names the system bundle, which repeats most of the
// roots Node already trusts; parsing ~140 of them again costs ~20 ms per
// process. Only certificates Node does not already hold are added.
function certificatesNotBuiltIn(pems: string[]): string[] {
  builtInRoots ??= new Set(rootCertificates.map(normalizePem));
  const roots = builtInRoots;
  return pems
    .flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [])
    .filter((pem) => !roots.has(normalizePem(pem)));
}

function normalizePem(pem: string): string {
  return pem.replace(/\s+/g, "");
}
