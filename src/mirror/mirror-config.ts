import { DigestguardError } from "../errors/error.js";

/** The container clients whose mirror settings {@link mirrorConfigSnippet} writes. */
export const MIRROR_CLIENTS = ["docker", "containers", "containerd"] as const;
export type MirrorClient = (typeof MIRROR_CLIENTS)[number];

/** A settings snippet and where it belongs. */
export interface MirrorSnippet {
  /** The file the snippet goes into (or is merged into). */
  file: string;
  text: string;
  /** What to do with it, one line each. */
  notes: string[];
}

/** Where a mirror is, parsed from `[http(s)://]host[:port][/path]`. */
interface MirrorAddress {
  insecure: boolean;
  /** `host[:port]`. */
  host: string;
  /** Repository prefix at the mirror, without slashes at its ends (`""` for none). */
  path: string;
}

// Only characters of host names, ports and repository paths: nothing here
// ever needs quoting in JSON or TOML.
const SAFE = /^[A-Za-z0-9._\-[\]:]+$/;
const SAFE_PATH = /^([a-z0-9._-]+(\/[a-z0-9._-]+)*)?$/;

/**
 * The settings that make `client` pull images of `upstream` (default
 * docker.io) through `mirror`, a registry such as one `dg mirror` or
 * `dg sync` fills: dockerd's daemon.json `registry-mirrors`, a
 * registries.conf drop-in for buildah/podman/skopeo (containers/image), or a
 * containerd `certs.d/<upstream>/hosts.toml`. A mirror named with `http://`
 * is marked insecure (plain HTTP); without a scheme it is HTTPS.
 *
 * @example
 * ```ts
 * mirrorConfigSnippet("containers", "127.0.0.1:5001/hub").text;
 * // [[registry]]\nprefix = "docker.io"\n…\n[[registry.mirror]]\nlocation = "127.0.0.1:5001/hub"\n
 * ```
 */
export function mirrorConfigSnippet(client: MirrorClient, mirror: string, upstream = "docker.io"): MirrorSnippet {
  const address = parseMirror(mirror);
  if (!SAFE.test(upstream)) throw usage(`the upstream registry ${JSON.stringify(upstream)} is not a host name`);
  if (client === "docker") return dockerSnippet(address, upstream);
  if (client === "containers") return containersSnippet(address, upstream);
  return containerdSnippet(address, upstream);
}

function dockerSnippet(address: MirrorAddress, upstream: string): MirrorSnippet {
  if (upstream !== "docker.io")
    throw usage("dockerd's registry-mirrors apply to Docker Hub only", "use --for containerd or --for containers");
  if (address.path !== "")
    throw usage(`dockerd takes no repository path in a mirror URL (/${address.path})`, "serve the mirror at its root");
  const daemon = {
    "registry-mirrors": [`${address.insecure ? "http" : "https"}://${address.host}`],
    ...(address.insecure ? { "insecure-registries": [address.host] } : {}),
  };
  return {
    file: "/etc/docker/daemon.json",
    text: `${JSON.stringify(daemon, null, 2)}\n`,
    notes: ["Merge these keys into daemon.json, then restart dockerd."],
  };
}

function containersSnippet(address: MirrorAddress, upstream: string): MirrorSnippet {
  const location = address.path === "" ? address.host : `${address.host}/${address.path}`;
  const lines = [
    "[[registry]]",
    `prefix = "${upstream}"`,
    `location = "${upstream}"`,
    "",
    "[[registry.mirror]]",
    `location = "${location}"`,
    ...(address.insecure ? ["insecure = true"] : []),
  ];
  return {
    file: `/etc/containers/registries.conf.d/${upstream.replace(/:/g, "_")}-mirror.conf`,
    text: `${lines.join("\n")}\n`,
    notes: [
      "A drop-in: podman, buildah and skopeo read it beside registries.conf (version 2 syntax).",
      'Pulls by digest only, as `dg pin` writes them, are safe from a mirror that lies: add `pull-from-mirror = "digest-only"` to the [[registry.mirror]] table to enforce that.',
    ],
  };
}

function containerdSnippet(address: MirrorAddress, upstream: string): MirrorSnippet {
  const scheme = address.insecure ? "http" : "https";
  const server = upstream === "docker.io" ? "https://registry-1.docker.io" : `https://${upstream}`;
  // containerd appends /v2/<repository> to a host URL, unless override_path says the URL has its own /v2.
  const host = address.path === "" ? `${scheme}://${address.host}` : `${scheme}://${address.host}/v2/${address.path}`;
  const lines = [
    `server = "${server}"`,
    "",
    `[host."${host}"]`,
    '  capabilities = ["pull", "resolve"]',
    ...(address.path === "" ? [] : ["  override_path = true"]),
  ];
  return {
    file: `/etc/containerd/certs.d/${upstream.replace(/:/g, "_")}/hosts.toml`,
    text: `${lines.join("\n")}\n`,
    notes: ['containerd reads it when its CRI registry config_path is "/etc/containerd/certs.d".'],
  };
}

function parseMirror(mirror: string): MirrorAddress {
  const scheme = /^([a-z]+):\/\//.exec(mirror)?.[1];
  if (scheme !== undefined && scheme !== "http" && scheme !== "https")
    throw usage(`the mirror ${JSON.stringify(mirror)} has the scheme ${scheme}; use https://, http:// or none`);
  const rest = scheme === undefined ? mirror : mirror.slice(scheme.length + 3);
  const slash = rest.indexOf("/");
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (host === "" || !SAFE.test(host) || !SAFE_PATH.test(path))
    throw usage(`${JSON.stringify(mirror)} is not a mirror address`);
  return { insecure: scheme === "http", host, path };
}

function usage(reason: string, todo = "name the mirror as [http://|https://]HOST[:PORT][/PATH]"): DigestguardError {
  return new DigestguardError("USAGE", `Cannot write the mirror settings: ${reason}; ${todo}.`);
}
