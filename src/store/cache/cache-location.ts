import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The cache folder: `DIGESTGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/digestguard`,
 * else `~/.cache/digestguard`.
 *
 * @example
 * ```ts
 * defaultCacheDir({ env: process.env }); // "/home/me/.cache/digestguard"
 * ```
 */
export function defaultCacheDir(options: { env?: NodeJS.ProcessEnv; home?: string } = {}): string {
  const env = options.env ?? process.env;
  if (env["DIGESTGUARD_CACHE_DIR"]) return env["DIGESTGUARD_CACHE_DIR"];
  return join(env["XDG_CACHE_HOME"] || join(options.home ?? homedir(), ".cache"), "digestguard");
}
