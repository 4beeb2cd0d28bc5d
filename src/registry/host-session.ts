import { readFileSync } from "node:fs";
import { DigestguardError } from "../errors/error.js";
import { isCode } from "../errors/predicates.js";
import { parseChallenges, type AuthChallenge } from "./auth/challenge.js";
import { firstHeader, type HttpTransport, type TlsSettings } from "./http-transport.js";
import { registryError } from "./registry-error.js";

/** Per-host transport settings, from flags and `digestguard.yaml`. */
export interface HostSettings {
  /** Allow plain HTTP and unverified TLS for this host. */
  insecure?: boolean;
  /** PEM files of CAs to trust for this host. */
  caFiles?: string[];
  /** Client certificate and key (PEM files) for a registry that wants mutual TLS. */
  clientCert?: { certFile: string; keyFile: string };
}

/** What a host told us when we first said hello on `/v2/`. */
export interface HostSession {
  host: string;
  /** `https://host` or, for loopback and insecure hosts that speak no TLS, `http://host`. */
  baseUrl: URL;
  tls: TlsSettings;
  /** The auth challenge from `/v2/`, or undefined when the host wants none. */
  challenge: AuthChallenge | undefined;
}

/**
 * Learns, once per host, which scheme it speaks and how it wants to be
 * authenticated, by a `GET /v2/` as docker does. Knowing the challenge up
 * front lets the client ask for a token before its first real request, so no
 * manifest request is wasted on a 401. The ping is not retried here: it
 * runs inside a request's attempt, which the request sender retries.
 *
 * @example
 * ```ts
 * const sessions = new HostSessions(http, () => ({}));
 * const { baseUrl, challenge } = await sessions.get("127.0.0.1:5000");
 * ```
 */
export class HostSessions {
  readonly #sessions = new Map<string, Promise<HostSession>>();

  constructor(
    private readonly http: HttpTransport,
    private readonly settingsFor: (host: string) => HostSettings,
  ) {}

  /** The session for `host`, pinging it the first time. */
  get(host: string, signal?: AbortSignal): Promise<HostSession> {
    let session = this.#sessions.get(host);
    if (session === undefined) {
      session = this.#open(host, signal);
      // A failed ping is not remembered, so the next call tries again.
      session.catch(() => this.#sessions.delete(host));
      this.#sessions.set(host, session);
    }
    return session;
  }

  /** Record a challenge learned later (a 401 on a request the ping let through). */
  learn(session: HostSession, challenge: AuthChallenge): void {
    session.challenge = challenge;
  }

  async #open(host: string, signal?: AbortSignal): Promise<HostSession> {
    const settings = this.settingsFor(host);
    const tls = tlsSettings(settings);
    const mayUseHttp = settings.insecure === true || isLoopbackHost(host);
    try {
      return await this.#ping(host, new URL(`https://${host}`), tls, signal);
    } catch (error) {
      if (!mayUseHttp || !isCode(error, "TLS", "NETWORK")) throw error;
      try {
        return await this.#ping(host, new URL(`http://${host}`), tls, signal);
      } catch (httpError) {
        // When http is unreachable too, the https failure explains more; when
        // http was reached but failed (a timeout, a 5xx), that failure is the news.
        const unreachable = isCode(httpError, "TLS", "NETWORK");
        throw unreachable ? error : httpError;
      }
    }
  }

  async #ping(host: string, baseUrl: URL, tls: TlsSettings, signal?: AbortSignal): Promise<HostSession> {
    const url = new URL("/v2/", baseUrl);
    const response = await this.http.send({ method: "GET", url, tls, signal });
    if (response.status !== 200 && response.status !== 401)
      throw await registryError(response, `reach the registry API at ${url.href}`);
    await response.body.dump();
    // Only the registry's own origin may name where its credentials go; a
    // challenge from wherever a redirect led is not learned.
    if (response.url.origin !== baseUrl.origin) return { host, baseUrl, tls, challenge: undefined };
    const challenges = parseChallenges(firstHeader(response.headers, "www-authenticate") ?? "");
    const challenge =
      response.status === 401
        ? (challenges.find((c) => c.scheme === "bearer") ??
          challenges.find((c) => c.scheme === "basic") ?? { scheme: "basic", params: {} })
        : undefined;
    return { host, baseUrl, tls, challenge };
  }
}

/**
 * Whether a host (with optional port) is on the loopback interface:
 * `localhost`, 127.0.0.0/8 or `::1`. Docker treats these as insecure
 * registries by default, and so does digestguard.
 *
 * @example
 * ```ts
 * isLoopbackHost("127.0.0.1:5000"); // true
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function tlsSettings(settings: HostSettings): TlsSettings {
  const caPem = (settings.caFiles ?? []).map((file) => readPem(file, "CA file"));
  const client = settings.clientCert;
  return {
    insecureSkipVerify: settings.insecure === true,
    caPem,
    ...(client !== undefined
      ? {
          clientCertPem: readPem(client.certFile, "client certificate"),
          clientKeyPem: readPem(client.keyFile, "client key"),
        }
      : {}),
  };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot read ${what} ${file}: ${(error as Error).message}; fix the path or remove the setting.`,
    );
  }
}
