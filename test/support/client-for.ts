import { RegistryClient, type RegistryClientOptions } from "../../src/registry/registry-client.js";
import type { RunningRegistry } from "./registry.js";

/**
 * A RegistryClient that reaches a harness registry the way a user would:
 * trusting the harness CA via `caFiles`, with `--creds`-style credentials in
 * basic and token modes, and no fallback to the user's own auth files.
 *
 * @example
 * ```ts
 * const client = clientFor(registry);
 * ```
 */
export function clientFor(registry: RunningRegistry, extra: RegistryClientOptions = {}): RegistryClient {
  const creds = registry.username !== undefined ? `${registry.username}:${registry.password}` : undefined;
  return new RegistryClient({
    defaults: {
      caFiles: registry.caFile !== undefined ? [registry.caFile] : [],
      ...(registry.clientCertFile !== undefined && registry.clientKeyFile !== undefined
        ? { clientCert: { certFile: registry.clientCertFile, keyFile: registry.clientKeyFile } }
        : {}),
    },
    credentials: { ...(creds !== undefined ? { creds } : {}), authFile: "/nonexistent/digestguard-test-auth.json" },
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 200 },
    ...extra,
  });
}

/** The CLI flags that reach a harness registry (for tests that run the binary). */
export function cliFlagsFor(registry: RunningRegistry): string[] {
  const flags = registry.caFile !== undefined ? ["--ca-file", registry.caFile] : [];
  if (registry.username !== undefined) flags.push("--creds", `${registry.username}:${registry.password}`);
  return [...flags, "--authfile", "/nonexistent/digestguard-test-auth.json"];
}
