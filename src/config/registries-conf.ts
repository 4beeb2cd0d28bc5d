import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import type { RegistryFacts } from "./registry-source.js";

interface ConfRegistry {
  prefix?: string;
  location?: string;
  insecure?: boolean;
  blocked?: boolean;
  mirror?: { location?: string; insecure?: boolean }[];
}

/**
 * Read registries.conf (v2 `[[registry]]` tables) and then every `*.conf`
 * in the drop-in folders in name order, as containers/image does: a later
 * `[[registry]]` with the same prefix replaces an earlier one. Missing
 * files are skipped; a file that is not valid TOML is a CONFIG_INVALID error.
 *
 * @example
 * ```ts
 * const facts = await readRegistriesConf("/etc/containers/registries.conf", ["/etc/containers/registries.conf.d"]);
 * ```
 */
export async function readRegistriesConf(file: string, dropInDirs: string[]): Promise<RegistryFacts[]> {
  const files = [file, ...(await dropIns(dropInDirs))];
  const byPrefix = new Map<string, RegistryFacts>();
  for (const path of files) {
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    for (const facts of await parseRegistriesConf(text, path)) byPrefix.set(facts.host, facts);
  }
  return [...byPrefix.values()];
}

/**
 * The `[[registry]]` tables of one registries.conf text as per-host facts.
 * A prefix with a repository path or a wildcard is reported as ignored:
 * digestguard mirrors whole registries.
 *
 * @example
 * ```ts
 * await parseRegistriesConf('[[registry]]\nprefix = "docker.io"\n[[registry.mirror]]\nlocation = "127.0.0.1:5001"\n', "r.conf");
 * ```
 */
export async function parseRegistriesConf(text: string, path: string): Promise<RegistryFacts[]> {
  const { parse } = await import("smol-toml");
  let document: { registry?: ConfRegistry[] };
  try {
    document = parse(text) as typeof document;
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot parse ${path}: ${(error as Error).message.split("\n")[0]}; fix the TOML or point CONTAINERS_REGISTRIES_CONF elsewhere.`,
    );
  }
  return (document.registry ?? []).flatMap((entry) => registryFacts(entry, path));
}

function registryFacts(entry: ConfRegistry, from: string): RegistryFacts[] {
  const prefix = entry.prefix ?? entry.location;
  if (prefix === undefined || prefix === "") return [];
  if (prefix.includes("/") || prefix.includes("*")) {
    return [
      { host: prefix, ignored: [{ value: `prefix "${prefix}": only whole-registry prefixes are applied`, from }] },
    ];
  }
  const mirrors = (entry.mirror ?? []).flatMap((m) =>
    m.location ? [{ value: m.location, from, ...(m.insecure === true ? { insecure: true } : {}) }] : [],
  );
  // A location other than the prefix rewrites the registry: containers/image pulls from it after the mirrors.
  if (entry.location !== undefined && entry.location !== "" && entry.location !== prefix) {
    mirrors.push({ value: entry.location, from, ...(entry.insecure === true ? { insecure: true } : {}) });
  }
  return [
    {
      host: prefix,
      ...(mirrors.length > 0 ? { mirrors } : {}),
      ...(entry.insecure !== undefined ? { insecure: { value: entry.insecure, from } } : {}),
      ...(entry.blocked !== undefined ? { blocked: { value: entry.blocked, from } } : {}),
    },
  ];
}

async function dropIns(dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    found.push(
      ...names
        .filter((name) => name.endsWith(".conf"))
        .sort()
        .map((name) => join(dir, name)),
    );
  }
  return found;
}
