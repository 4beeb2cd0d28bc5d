import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import type { RegistryFacts, SourcedMirror } from "./registry-source.js";

interface HostTable {
  capabilities?: string[];
  ca?: string | string[];
  skip_verify?: boolean;
  client?: string | string[] | string[][];
}

/**
 * Read containerd's certs.d: `<dir>/<host>/hosts.toml` per registry. Each
 * `[host."URL"]` that may `pull` is a mirror (in file order); `ca`,
 * `skip_verify` and `client` apply to the host they sit under (top level:
 * the registry itself). `_default` is reported as ignored.
 *
 * @example
 * ```ts
 * const facts = await readContainerdHosts("/etc/containerd/certs.d");
 * ```
 */
export async function readContainerdHosts(dir: string): Promise<RegistryFacts[]> {
  const hosts = await readdir(dir).catch(() => [] as string[]);
  const facts: RegistryFacts[] = [];
  for (const host of hosts.sort()) {
    const path = join(dir, host, "hosts.toml");
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    if (host === "_default") {
      facts.push({
        host,
        ignored: [{ value: "_default: settings for every registry are not applied; name the host", from: path }],
      });
      continue;
    }
    facts.push(...(await parseHostsToml(text, host, path, join(dir, host))));
  }
  return facts;
}

/**
 * The facts one hosts.toml states: for the registry `host` and each mirror host.
 *
 * @example
 * ```ts
 * await parseHostsToml('[host."http://127.0.0.1:5001"]\ncapabilities = ["pull", "resolve"]\n', "docker.io", "hosts.toml", "/etc/containerd/certs.d/docker.io");
 * ```
 */
export async function parseHostsToml(text: string, host: string, path: string, base: string): Promise<RegistryFacts[]> {
  const { parse } = await import("smol-toml");
  let document: HostTable & { server?: string; host?: Record<string, HostTable> };
  try {
    document = parse(text) as typeof document;
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot parse ${path}: ${(error as Error).message.split("\n")[0]}; fix the TOML or set DIGESTGUARD_CONTAINERD_CERTS_D.`,
    );
  }
  const mirrors: SourcedMirror[] = [];
  const facts: RegistryFacts[] = [];
  for (const [url, table] of Object.entries(document.host ?? {})) {
    const mirrorHost = url.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
    if ((table.capabilities ?? ["pull", "resolve", "push"]).includes("pull")) {
      mirrors.push({
        value: mirrorHost,
        from: path,
        ...(url.startsWith("http://") || table.skip_verify === true ? { insecure: true } : {}),
      });
    }
    facts.push(tlsFacts(mirrorHost, table, path, base));
  }
  const own = tlsFacts(host, document, path, base);
  return [{ ...own, ...(mirrors.length > 0 ? { mirrors } : {}) }, ...facts];
}

function tlsFacts(host: string, table: HostTable, from: string, base: string): RegistryFacts {
  const file = (name: string): string => (isAbsolute(name) ? name : join(base, name));
  const cas = table.ca === undefined ? [] : [table.ca].flat();
  const client = clientPair(table.client);
  return {
    host,
    ...(cas.length > 0 ? { caFiles: cas.map((ca) => ({ value: file(ca), from })) } : {}),
    ...(table.skip_verify === true ? { insecure: { value: true, from } } : {}),
    ...(client !== undefined
      ? { clientCert: { value: { certFile: file(client[0]), keyFile: file(client[1]) }, from } }
      : {}),
  };
}

// containerd accepts `client = "cert.pem"` (key inside), `["cert", "key"]` and `[["cert", "key"], …]`.
function clientPair(client: HostTable["client"]): [string, string] | undefined {
  if (client === undefined) return undefined;
  if (typeof client === "string") return [client, client];
  const first = client[0];
  if (Array.isArray(first))
    return first.length >= 2 ? [first[0] as string, first[1] as string] : first[0] ? [first[0], first[0]] : undefined;
  if (typeof first === "string") return [first, (client[1] as string | undefined) ?? first];
  return undefined;
}
