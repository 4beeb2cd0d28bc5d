import { readFile } from "node:fs/promises";
import { DigestguardError } from "../errors/error.js";
import type { RegistryFacts } from "./registry-source.js";

/**
 * What dockerd's daemon.json says about registries: `registry-mirrors`
 * apply to Docker Hub only (as in docker), `insecure-registries` mark hosts
 * insecure. CIDR entries are reported as ignored. A missing file says nothing.
 *
 * @example
 * ```ts
 * const facts = await readDockerDaemonJson("/etc/docker/daemon.json");
 * ```
 */
export async function readDockerDaemonJson(path: string): Promise<RegistryFacts[]> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return [];
  let daemon: { "registry-mirrors"?: unknown; "insecure-registries"?: unknown };
  try {
    daemon = JSON.parse(text) as typeof daemon;
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot parse ${path}: ${(error as Error).message}; fix the JSON or set DIGESTGUARD_DOCKER_DAEMON_JSON.`,
    );
  }
  const facts: RegistryFacts[] = [];
  const mirrors = strings(daemon["registry-mirrors"]);
  if (mirrors.length > 0)
    facts.push({
      host: "docker.io",
      mirrors: mirrors.map((value) => ({
        value,
        from: path,
        ...(value.startsWith("http://") ? { insecure: true } : {}),
      })),
    });
  for (const entry of strings(daemon["insecure-registries"])) {
    const host = entry.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
    facts.push(
      /\/\d+$/.test(host)
        ? {
            host,
            ignored: [
              { value: `insecure-registries "${entry}": CIDR ranges are not applied; name the host`, from: path },
            ],
          }
        : { host, insecure: { value: true, from: path } },
    );
  }
  return facts;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v !== "") : [];
}
