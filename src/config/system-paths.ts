import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where the other tools' settings files live on this machine. */
export interface SystemPaths {
  /** The main registries.conf (containers/image: podman, buildah, skopeo, CRI-O). */
  registriesConf: string;
  /** registries.conf.d folders whose `*.conf` drop-ins are read after it, in order. */
  registriesConfDirs: string[];
  /** dockerd's daemon.json (`registry-mirrors`, `insecure-registries`). */
  dockerDaemonJson: string;
  /** containerd's certs.d, one `<host>/hosts.toml` per registry. */
  containerdCertsDir: string;
  /** certs.d folders, one `<host>/` each with `*.crt` CAs and `client.cert`/`client.key`. */
  certsDirs: string[];
  /** SSL_CERT_FILE: a CA bundle trusted for every registry. */
  sslCertFile: string | undefined;
}

/**
 * The settings files digestguard reads from the places users already keep
 * them. Every system path sits under `DIGESTGUARD_SYSTEM_ROOT` (default `/`),
 * user paths under `HOME`, so tests and containers can point them elsewhere.
 * `CONTAINERS_REGISTRIES_CONF` (or the older `REGISTRIES_CONFIG_PATH`) names
 * the registries.conf to use, as it does for podman and skopeo;
 * `DIGESTGUARD_DOCKER_DAEMON_JSON` and `DIGESTGUARD_CONTAINERD_CERTS_D` name
 * the other two files directly.
 *
 * @example
 * ```ts
 * systemPaths({ DIGESTGUARD_SYSTEM_ROOT: "/tmp/root", HOME: "/tmp/home" }).dockerDaemonJson; // "/tmp/root/etc/docker/daemon.json"
 * ```
 */
export function systemPaths(env: NodeJS.ProcessEnv = process.env): SystemPaths {
  const root = env["DIGESTGUARD_SYSTEM_ROOT"] || "/";
  const home = env["HOME"] || homedir();
  const userContainers = join(env["XDG_CONFIG_HOME"] || join(home, ".config"), "containers");
  const userConf = join(userContainers, "registries.conf");
  return {
    registriesConf:
      env["CONTAINERS_REGISTRIES_CONF"] ||
      env["REGISTRIES_CONFIG_PATH"] ||
      (existsSync(userConf) ? userConf : join(root, "etc/containers/registries.conf")),
    registriesConfDirs: [join(root, "etc/containers/registries.conf.d"), join(userContainers, "registries.conf.d")],
    dockerDaemonJson: env["DIGESTGUARD_DOCKER_DAEMON_JSON"] || join(root, "etc/docker/daemon.json"),
    containerdCertsDir: env["DIGESTGUARD_CONTAINERD_CERTS_D"] || join(root, "etc/containerd/certs.d"),
    certsDirs: [
      join(root, "etc/docker/certs.d"),
      join(root, "etc/containers/certs.d"),
      join(userContainers, "certs.d"),
    ],
    sslCertFile: env["SSL_CERT_FILE"] || undefined,
  };
}
