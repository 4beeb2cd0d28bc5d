import type { RetryPolicy } from "../registry/retry.js";
import { DigestguardError } from "../errors/error.js";
import { effectiveRegistrySettings, type EffectiveSettings } from "../config/effective-registries.js";
import { loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { HostSettings } from "../registry/host-session.js";
import type { RegistryClient } from "../registry/registry-client.js";
import type { RequestRetryEvent } from "../registry/request-sender.js";
import { openLocation, parseLocation, type OpenedLocation } from "../store/open-location.js";
import type { GlobalOptions } from "./global-options.js";

/**
 * Build the registry client a command uses from its flags and
 * `digestguard.yaml`: flags apply to every host and win; the config gives
 * per-host TLS settings and mirrors. `--creds` (and `DIGESTGUARD_USERNAME`/
 * `DIGESTGUARD_PASSWORD`) go only to the registries in `named` — the ones the
 * command line names — never to mirrors or other hosts a command reaches.
 *
 * @example
 * ```ts
 * const client = await registryClientFromOptions({ insecure: true, mirror: ["docker.io=127.0.0.1:5001"] });
 * ```
 */
export async function registryClientFromOptions(
  options: GlobalOptions,
  use: {
    mirrors?: boolean;
    named?: ReadonlySet<string>;
    retry?: RetryPolicy;
    onResponse?: (host: string, status: number) => void;
  } = {},
): Promise<RegistryClient> {
  const settings = await effectiveOf(options);
  const hosts = hostSettings(settings);
  const mirrors = use.mirrors === false ? {} : await configuredMirrors(options);
  const timeoutMs = options.timeout === undefined ? undefined : positiveNumber(options.timeout, "--timeout") * 1000;
  // Loaded here, not at start-up: the HTTP stack is the heaviest import and offline commands never need it.
  const { RegistryClient } = await import("../registry/registry-client.js");
  return new RegistryClient({
    defaults: {
      insecure: options.insecure === true ? true : undefined,
      caFiles: [...(options.caFile ?? []), ...settings.everyHost.caFiles.map((c) => c.value)],
    },
    hosts,
    mirrors,
    credentials: { creds: options.creds, authFile: options.authfile, explicitFor: use.named ?? new Set() },
    ...(timeoutMs !== undefined
      ? { timeouts: { headersMs: timeoutMs, bodyMs: timeoutMs, connectMs: timeoutMs, totalMs: timeoutMs } }
      : {}),
    onRetry: sayRetry,
    ...(use.retry !== undefined ? { retry: use.retry } : {}),
    ...(use.onResponse !== undefined ? { onResponse: use.onResponse } : {}),
  });
}

// Waits under a second pass unremarked; a longer one (a timeout sat through,
// a Retry-After honoured) is said, so a slow run is never a silent one.
function sayRetry(event: RequestRetryEvent): void {
  if (event.waitMs < 1000 && event.failedAfterMs < 1000) return;
  const status = event.error.details["status"];
  const why = `${typeof status === "number" ? status : event.error.code} from ${event.host}`;
  process.stderr.write(
    `digestguard: retrying ${event.attempt}/${event.attempts} in ${(event.waitMs / 1000).toFixed(1)} s: ${why} (${event.doing})\n`,
  );
}

// Per-host TLS from every settings file; a mirror marked insecure where it was
// configured may speak plain HTTP unless its own host settings say otherwise.
function hostSettings(settings: EffectiveSettings): Record<string, HostSettings> {
  const hosts: Record<string, HostSettings> = {};
  for (const r of settings.registries) {
    const host: HostSettings = {
      insecure: r.insecure?.value,
      caFiles: r.caFiles.map((c) => c.value),
      ...(r.clientCert ? { clientCert: r.clientCert.value } : {}),
    };
    hosts[r.host] = host;
    if (r.host === "docker.io") hosts["registry-1.docker.io"] = host;
  }
  for (const mirror of settings.registries.flatMap((r) => r.mirrors)) {
    const { host } = parseMirrorHost(mirror.value);
    if (mirror.insecure === true && hosts[host]?.insecure === undefined)
      hosts[host] = { ...hosts[host], insecure: true };
  }
  return hosts;
}

function parseMirrorHost(location: string): { host: string } {
  return { host: location.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "") };
}

/**
 * Registry → mirror locations, from the system settings files (registries.conf,
 * daemon.json, containerd hosts.toml) or `digestguard.yaml`, then `--mirror` flags.
 *
 * @example
 * ```ts
 * await configuredMirrors({ mirror: ["docker.io=127.0.0.1:5001/hub"] }); // { "docker.io": ["127.0.0.1:5001/hub"] }
 * ```
 */
export async function configuredMirrors(options: GlobalOptions): Promise<Record<string, string[]>> {
  const settings = await effectiveOf(options);
  const mirrors: Record<string, string[]> = {};
  for (const r of settings.registries) if (r.mirrors.length > 0) mirrors[r.host] = r.mirrors.map((m) => m.value);
  for (const entry of options.mirror ?? []) {
    const [registry, location] = splitMirrorFlag(entry);
    mirrors[registry] = [...(mirrors[registry] ?? []), location];
  }
  return mirrors;
}

/** Registry names the config serves from local OCI layout folders. */
export async function configuredLayouts(options: GlobalOptions): Promise<Record<string, string>> {
  const { config } = await configOf(options);
  return Object.fromEntries(
    Object.entries(config.registries ?? {}).flatMap(([host, s]) => (s.layout !== undefined ? [[host, s.layout]] : [])),
  );
}

function splitMirrorFlag(entry: string): [string, string] {
  const eq = entry.indexOf("=");
  if (eq <= 0 || eq === entry.length - 1) {
    throw new DigestguardError(
      "USAGE",
      `Cannot use --mirror "${entry}": expected REGISTRY=MIRROR, e.g. docker.io=127.0.0.1:5001.`,
    );
  }
  return [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Parse a positive number flag or fail with a usage error. */
export function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new DigestguardError("USAGE", `Cannot use ${flag} "${text}": expected a positive number.`);
  return value;
}

/** A registry client made on first use and closed by whoever made the holder. */
export interface LazyRegistryClient {
  get(): Promise<RegistryClient>;
  /** Open a location the user named with this client and the config's layout-backed registries. */
  open(text: string): Promise<OpenedLocation>;
  /** Record a registry the user named, so `--creds` applies to it. */
  name(registry: string): void;
  close(): Promise<void>;
}

/**
 * Defer building the registry client (and loading the HTTP stack) until a
 * command really talks to a registry; OCI-layout and cache runs never do.
 *
 * @example
 * ```ts
 * const registry = lazyRegistryClient(flags);
 * try { await openLocation(ref, { client: registry.get }); } finally { await registry.close(); }
 * ```
 */
export function lazyRegistryClient(options: GlobalOptions): LazyRegistryClient {
  let client: Promise<RegistryClient> | undefined;
  let layouts: Promise<Record<string, string>> | undefined;
  const named = new Set<string>();
  const get = (): Promise<RegistryClient> => (client ??= registryClientFromOptions(options, { named }));
  return {
    get,
    open: async (text) => {
      const location = parseLocation(text);
      if (location.kind === "registry") named.add(location.reference.registry);
      return openLocation(text, { client: get, layouts: await (layouts ??= configuredLayouts(options)) });
    },
    name: (registry) => void named.add(registry),
    close: async () => {
      if (client !== undefined) await (await client).close();
    },
  };
}

const loaded = new Map<string | undefined, Promise<LoadedConfig>>();
const effective = new Map<string | undefined, Promise<EffectiveSettings>>();

/**
 * The merged registry settings a command applies: `digestguard.yaml` over
 * registries.conf, containerd's hosts.toml, certs.d and daemon.json. Read once per process.
 *
 * @example
 * ```ts
 * const { registries } = await effectiveOf({ config: "digestguard.yaml" });
 * ```
 */
export function effectiveOf(options: GlobalOptions): Promise<EffectiveSettings> {
  let settings = effective.get(options.config);
  if (settings === undefined) {
    settings = configOf(options).then(({ config, path }) =>
      effectiveRegistrySettings({ config, ...(path !== undefined ? { configPath: path } : {}) }),
    );
    effective.set(options.config, settings);
  }
  return settings;
}

// The client, its mirrors and its layouts all read the same file: read and validate it once per process.
function configOf(options: GlobalOptions): Promise<LoadedConfig> {
  let config = loaded.get(options.config);
  if (config === undefined) {
    config = loadConfig({ path: options.config });
    loaded.set(options.config, config);
  }
  return config;
}
