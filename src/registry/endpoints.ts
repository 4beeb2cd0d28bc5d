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
  const configured = (mirrors[registry] ?? []).map(
    (location): Endpoint => ({ ...parseMirrorLocation(location), mirror: true }),
  );
  return [...configured, originEndpoint(registry)];
}

/**
 * Split a mirror location `[scheme://]host[:port][/prefix]` into the host to
 * contact and the repository prefix the mirror keeps content under.
 *
 * @example
 * ```ts
 * parseMirrorLocation("127.0.0.1:5001/hub"); // { host: "127.0.0.1:5001", prefix: "hub/" }
 * ```
 */
export function parseMirrorLocation(location: string): { host: string; prefix: string } {
  const trimmed = location.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  return slash < 0
    ? { host: trimmed, prefix: "" }
    : { host: trimmed.slice(0, slash), prefix: `${trimmed.slice(slash + 1)}/` };
}

/** The registry's own endpoint (Docker Hub's API lives at registry-1.docker.io). */
export function originEndpoint(registry: string): Endpoint {
  return { host: registryEndpointHost(registry), prefix: "", mirror: false };
}
