import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { findUpward } from "../fs/find-upward.js";
import type { Config } from "./config-schema.js";

const CONFIG_NAME = "digestguard.yaml";

/** Where a config was found, and what it says; `path` is undefined when none exists. */
export interface LoadedConfig {
  path: string | undefined;
  config: Config;
}

/**
 * Find and load `digestguard.yaml`: the `--config` path, else
 * `DIGESTGUARD_CONFIG`, else the nearest `digestguard.yaml` in `cwd` or a
 * folder above it up to the repository root, so a command run in a
 * subfolder keeps the project's mirrors. Unknown keys,
 * unknown versions and wrong types are CONFIG_INVALID errors naming the key;
 * relative CA paths are resolved against the config's folder.
 *
 * @example
 * ```ts
 * const { config } = await loadConfig({ path: "digestguard.yaml" });
 * ```
 */
export async function loadConfig(
  options: { path?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env["DIGESTGUARD_CONFIG"];
  const cwd = options.cwd ?? process.cwd();
  const path = explicit !== undefined ? resolve(cwd, explicit) : (await findUpward(CONFIG_NAME, { cwd })).found;
  if (path === undefined) return { path: undefined, config: { version: 1 } };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && explicit === undefined)
      return { path: undefined, config: { version: 1 } };
    throw new DigestguardError("CONFIG_INVALID", `Cannot read config ${path}: ${(error as Error).message}.`);
  }
  return { path, config: await parseConfig(text, path) };
}

/**
 * Parse and validate config text.
 *
 * @example
 * ```ts
 * await parseConfig("version: 1\nregistries:\n  127.0.0.1:5000: { insecure: true }\n", "digestguard.yaml");
 * ```
 */
export async function parseConfig(text: string, path: string): Promise<Config> {
  const [{ parse }, { configSchema }] = await Promise.all([import("yaml"), import("./config-schema.js")]);
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot parse config ${path}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(top level)";
    const version = (raw as { version?: unknown }).version;
    const hint =
      version !== undefined && version !== 1
        ? ` (this digestguard understands config version 1, not ${JSON.stringify(version)})`
        : "";
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot use config ${path}: ${where}: ${issue?.message ?? "invalid"}${hint}.`,
    );
  }
  return resolveCaPaths(result.data, dirname(path));
}

function resolveCaPaths(config: Config, base: string): Config {
  const registries = Object.fromEntries(
    Object.entries(config.registries ?? {}).map(([host, settings]) => {
      const ca = settings.ca === undefined ? undefined : [settings.ca].flat().map((file) => resolve(base, file));
      const layout = settings.layout === undefined ? undefined : resolve(base, settings.layout);
      const clientCert =
        settings.clientCert === undefined
          ? undefined
          : { cert: resolve(base, settings.clientCert.cert), key: resolve(base, settings.clientCert.key) };
      return [
        host,
        {
          ...settings,
          ...(ca !== undefined ? { ca } : {}),
          ...(layout !== undefined ? { layout } : {}),
          ...(clientCert !== undefined ? { clientCert } : {}),
        },
      ];
    }),
  );
  return { ...config, registries };
}
