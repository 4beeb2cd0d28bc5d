import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { WatchSettings } from "../config/config-schema.js";
import { DigestguardError } from "../errors/error.js";
import { type ListenAddress, parseListenAddress } from "./listen-address.js";

/** Where and with what token the dashboard listens. */
export interface ListenSettings {
  address: ListenAddress;
  token: string | undefined;
}

/**
 * The dashboard's settings: `--listen` wins over `watch.listen.address`;
 * the token comes from `watch.listen.token` or `tokenFile` (relative to the
 * config), else `DIGESTGUARD_API_TOKEN`. Undefined when neither asks to listen.
 *
 * @example
 * ```ts
 * await listenSettings({ flag: "127.0.0.1:8080", settings: config.watch, env: process.env, baseDir: "." });
 * ```
 */
export async function listenSettings(options: {
  flag: string | undefined;
  settings: WatchSettings | undefined;
  env: NodeJS.ProcessEnv;
  baseDir: string;
}): Promise<ListenSettings | undefined> {
  const configured = options.settings?.listen;
  const text = options.flag ?? configured?.address;
  if (text === undefined) return undefined;
  if (configured?.token !== undefined && configured.tokenFile !== undefined)
    throw new DigestguardError(
      "CONFIG_INVALID",
      "Cannot read watch.listen: token and tokenFile are both set; keep one.",
    );
  // An empty variable is unset, as shells and container runtimes often pass one.
  let token = configured?.token ?? (options.env["DIGESTGUARD_API_TOKEN"] || undefined);
  if (configured?.tokenFile !== undefined) token = await readToken(resolve(options.baseDir, configured.tokenFile));
  if (token !== undefined && token.trim().length < 16)
    throw new DigestguardError(
      "CONFIG_INVALID",
      "Cannot use the API token: it is shorter than 16 characters; make a longer one, e.g. openssl rand -hex 32.",
    );
  return { address: parseListenAddress(text), token: token?.trim() };
}

async function readToken(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot read watch.listen.tokenFile ${path}: ${(error as Error).message}; check the path and its permissions.`,
    );
  }
}
