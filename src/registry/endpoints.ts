import { registryEndpointHost } from "../oci/reference.js";

/** One place a repository can be read from: the registry itself or one of its mirrors. */
export interface Endpoint {
  /** Host to contact, with port. */
  host: string;
  /** Repository prefix a mirror keeps the registry's content under ("" or "dockerhub/"). */
  prefix: string;
  mirror: boolean;
}

/**
 * The endpoints to read a registry's content from, in order: each configured
 * mirror, then the registry itself (as docker's `registry-mirrors` and
 * containers' `registries.conf` do). A mirror is written `host[:port][/prefix]`.
 *
 * @example
 * ```ts
 * readEndpoints("docker.io", { "docker.io": ["127.0.0.1:5001/hub"] });
 * // [{ host: "127.0.0.1:5001", prefix: "hub/", mirror: true }, { host: "registry-1.docker.io", prefix: "", mirror: false }]
 * ```
 */
export function readEndpoints(registry: string, mirrors: Record<string, string[]> = {}): Endpoint[] {
  const configured = (mirrors[registry] ?? []).map((location): Endpoint => {
    const trimmed = location.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
    const slash = trimmed.indexOf("/");
    return slash < 0
      ? { host: trimmed, prefix: "", mirror: true }
      : { host: trimmed.slice(0, slash), prefix: `${trimmed.slice(slash + 1)}/`, mirror: true };
  });
  return [...configured, originEndpoint(registry)];
}

/** The registry's own endpoint (Docker Hub's API lives at registry-1.docker.io). */
export function originEndpoint(registry: string): Endpoint {
  return { host: registryEndpointHost(registry), prefix: "", mirror: false };
}
