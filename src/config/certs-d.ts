import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryFacts } from "./registry-source.js";

/**
 * Read certs.d folders as docker and containers/image lay them out: one
 * `<host[:port]>/` per registry holding `*.crt` CA files and a client
 * certificate as `NAME.cert` with its key `NAME.key`.
 *
 * @example
 * ```ts
 * const facts = await readCertsDirs(["/etc/docker/certs.d", "/etc/containers/certs.d"]);
 * ```
 */
export async function readCertsDirs(dirs: string[]): Promise<RegistryFacts[]> {
  const facts: RegistryFacts[] = [];
  for (const dir of dirs) {
    for (const host of (await readdir(dir).catch(() => [] as string[])).sort()) {
      const folder = join(dir, host);
      const names = (await readdir(folder).catch(() => [] as string[])).sort();
      const cas = names
        .filter((name) => name.endsWith(".crt"))
        .map((name) => ({ value: join(folder, name), from: folder }));
      const cert = names.find(
        (name) => name.endsWith(".cert") && names.includes(`${name.slice(0, -".cert".length)}.key`),
      );
      const clientCert =
        cert === undefined
          ? undefined
          : {
              value: { certFile: join(folder, cert), keyFile: join(folder, `${cert.slice(0, -".cert".length)}.key`) },
              from: folder,
            };
      if (cas.length === 0 && clientCert === undefined) continue;
      facts.push({
        host,
        ...(cas.length > 0 ? { caFiles: cas } : {}),
        ...(clientCert !== undefined ? { clientCert } : {}),
      });
    }
  }
  return facts;
}
