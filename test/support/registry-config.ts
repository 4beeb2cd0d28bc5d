import { randomBytes } from "node:crypto";

/** The ways the harness can run the registry. */
export type RegistryMode = "http" | "tls" | "mtls" | "basic" | "token";

/** Everything {@link registryConfig} needs; file paths are absolute. */
export interface RegistryConfigInput {
  mode: RegistryMode;
  port: number;
  storageDir: string;
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  htpasswdFile?: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

/**
 * Build a CNCF distribution 2.8 configuration. It is returned as an object and
 * written as JSON, which the registry's YAML parser reads unchanged.
 *
 * Choices, and why:
 * - the access log stays on, so tests can count requests from the server's
 *   own point of view rather than trusting the client under test;
 * - deletes are enabled, so tests can delete manifests and blobs;
 * - no `storage.cache` section, so the registry keeps no in-memory blob
 *   descriptor cache and notices blobs a test corrupted or removed on disk;
 * - the storage health check is off, so the registry never polls storage on
 *   its own and the request log holds only what clients asked;
 * - a fixed random `http.secret`, so upload state survives within one run
 *   without the registry logging a warning about a generated one.
 *
 * @example
 * ```ts
 * await writeFile(configFile, JSON.stringify(registryConfig({ mode: "http", port, storageDir })));
 * ```
 */
export function registryConfig(input: RegistryConfigInput): Record<string, unknown> {
  const http: Record<string, unknown> = {
    addr: `127.0.0.1:${input.port}`,
    secret: randomBytes(16).toString("hex"),
  };
  if (input.mode !== "http") {
    if (input.tls === undefined) throw new Error(`Cannot configure the registry: mode ${input.mode} needs TLS files.`);
    http.tls = {
      certificate: input.tls.certFile,
      key: input.tls.keyFile,
      // mtls: only clients with a certificate from this CA get past the handshake.
      ...(input.tls.clientCaFile !== undefined ? { clientcas: [input.tls.clientCaFile] } : {}),
    };
  }
  return {
    version: 0.1,
    log: { level: "info", formatter: "json", accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: true },
      // No background walk of the storage tree while tests rewrite it.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
    health: { storagedriver: { enabled: false } },
    ...authSection(input),
  };
}

function authSection(input: RegistryConfigInput): Record<string, unknown> {
  if (input.mode === "basic") {
    if (input.htpasswdFile === undefined)
      throw new Error("Cannot configure the registry: basic mode needs an htpasswd file.");
    return { auth: { htpasswd: { realm: "digestguard-test", path: input.htpasswdFile } } };
  }
  if (input.mode === "token") {
    if (input.token === undefined) throw new Error("Cannot configure the registry: token mode needs issuer settings.");
    const { realm, service, issuer, rootCertBundle } = input.token;
    return { auth: { token: { realm, service, issuer, rootcertbundle: rootCertBundle } } };
  }
  return {};
}
