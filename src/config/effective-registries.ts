import { readCertsDirs } from "./certs-d.js";
import type { Config } from "./config-schema.js";
import { readContainerdHosts } from "./containerd-hosts.js";
import { readDockerDaemonJson } from "./docker-daemon-json.js";
import { readRegistriesConf } from "./registries-conf.js";
import type { RegistryFacts, Sourced, SourcedMirror } from "./registry-source.js";
import { systemPaths, type SystemPaths } from "./system-paths.js";

/** Everything digestguard will apply to one registry host, each with where it came from. */
export interface EffectiveRegistry {
  host: string;
  mirrors: SourcedMirror[];
  insecure?: Sourced<boolean>;
  blocked?: Sourced<boolean>;
  caFiles: Sourced<string>[];
  clientCert?: Sourced<{ certFile: string; keyFile: string }>;
  ignored: Sourced<string>[];
}

/** The merged registry settings, and what applies to every host. */
export interface EffectiveSettings {
  registries: EffectiveRegistry[];
  /** CAs trusted for every registry (SSL_CERT_FILE). */
  everyHost: { caFiles: Sourced<string>[] };
  /** The files that were consulted, found or not. */
  consulted: string[];
}

/**
 * Merge the registry settings users already keep for other tools with
 * `digestguard.yaml`, lowest first: dockerd's daemon.json, containerd's
 * hosts.toml, certs.d folders, registries.conf, then digestguard.yaml, which
 * wins. Mirrors come whole from the highest layer that names any; insecure,
 * blocked and the client certificate from the highest that sets them; CAs
 * add up.
 *
 * @example
 * ```ts
 * const { registries } = await effectiveRegistrySettings({ config: { version: 1 } });
 * ```
 */
export async function effectiveRegistrySettings(options: {
  config: Config;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  paths?: SystemPaths;
}): Promise<EffectiveSettings> {
  const paths = options.paths ?? systemPaths(options.env);
  const layers: RegistryFacts[][] = [
    await readDockerDaemonJson(paths.dockerDaemonJson),
    await readContainerdHosts(paths.containerdCertsDir),
    await readCertsDirs(paths.certsDirs),
    await readRegistriesConf(paths.registriesConf, paths.registriesConfDirs),
    yamlFacts(options.config, options.configPath ?? "digestguard.yaml"),
  ];
  const merged = new Map<string, EffectiveRegistry>();
  for (const facts of layers.flat()) mergeInto(merged, facts);
  return {
    registries: [...merged.values()].sort((a, b) => a.host.localeCompare(b.host)),
    everyHost: {
      caFiles: paths.sslCertFile !== undefined ? [{ value: paths.sslCertFile, from: "SSL_CERT_FILE" }] : [],
    },
    consulted: [
      paths.dockerDaemonJson,
      paths.containerdCertsDir,
      ...paths.certsDirs,
      paths.registriesConf,
      ...paths.registriesConfDirs,
    ],
  };
}

function mergeInto(merged: Map<string, EffectiveRegistry>, facts: RegistryFacts): void {
  const host = facts.host === "index.docker.io" || facts.host === "registry-1.docker.io" ? "docker.io" : facts.host;
  const current = merged.get(host) ?? { host, mirrors: [], caFiles: [], ignored: [] };
  if (facts.mirrors !== undefined && facts.mirrors.length > 0) current.mirrors = facts.mirrors;
  if (facts.insecure !== undefined) current.insecure = facts.insecure;
  if (facts.blocked !== undefined) current.blocked = facts.blocked;
  if (facts.clientCert !== undefined) current.clientCert = facts.clientCert;
  for (const ca of facts.caFiles ?? [])
    if (!current.caFiles.some((c) => c.value === ca.value)) current.caFiles.push(ca);
  current.ignored.push(...(facts.ignored ?? []));
  merged.set(host, current);
}

function yamlFacts(config: Config, from: string): RegistryFacts[] {
  return Object.entries(config.registries ?? {}).map(
    ([host, s]): RegistryFacts => ({
      host,
      ...(s.mirrors !== undefined ? { mirrors: s.mirrors.map((value) => ({ value, from })) } : {}),
      ...(s.insecure !== undefined ? { insecure: { value: s.insecure, from } } : {}),
      ...(s.ca !== undefined ? { caFiles: [s.ca].flat().map((value) => ({ value, from })) } : {}),
      ...(s.clientCert !== undefined
        ? { clientCert: { value: { certFile: s.clientCert.cert, keyFile: s.clientCert.key }, from } }
        : {}),
    }),
  );
}
