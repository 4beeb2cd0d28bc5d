import { Authenticator } from "./auth/authenticator.js";
import { findCredentials } from "./auth/credentials.js";
import type { RegistryClientOptions } from "./client-types.js";
import { HostSessions, type HostSettings } from "./host-session.js";
import { HttpTransport } from "./http-transport.js";
import { RequestSender } from "./request-sender.js";

/**
 * The transport and the request sender a client's options describe: host
 * settings merged per host over the defaults, credentials looked up per
 * repository (Docker Hub's API host under its `docker.io` name).
 *
 * @example
 * ```ts
 * const { http, sender } = wireClient({ defaults: { insecure: true } });
 * await http.close();
 * ```
 */
export function wireClient(options: RegistryClientOptions): { http: HttpTransport; sender: RequestSender } {
  const http = new HttpTransport({ timeouts: options.timeouts, connectionsPerOrigin: options.connectionsPerHost });
  const settingsFor = (host: string): HostSettings => mergeSettings(options.defaults, options.hosts?.[host]);
  const sessions = new HostSessions(http, settingsFor);
  const auth = new Authenticator(http, (host, repository, signal) =>
    findCredentials(host === "registry-1.docker.io" ? "docker.io" : host, {
      ...options.credentials,
      repository,
      signal,
    }),
  );
  const sender = new RequestSender(http, sessions, auth, options.retry, options.onRetry, options.onResponse);
  return { http, sender };
}

function mergeSettings(defaults: HostSettings | undefined, host: HostSettings | undefined): HostSettings {
  return {
    insecure: host?.insecure ?? defaults?.insecure ?? false,
    caFiles: [...(defaults?.caFiles ?? []), ...(host?.caFiles ?? [])],
    ...((host?.clientCert ?? defaults?.clientCert) !== undefined
      ? { clientCert: host?.clientCert ?? defaults?.clientCert }
      : {}),
  };
}
