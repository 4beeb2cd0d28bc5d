import { authFilePaths, authKeysFor, findAuthEntry, readAuthFile } from "./docker-config.js";
import type { CredentialOptions } from "./credentials.js";

/**
 * Where the credentials for `registry` would come from, in the words a user
 * can act on — the flag, the variable, the helper or the auth file — without
 * running a helper and without ever reading the secret out.
 *
 * @example
 * ```ts
 * await credentialSource("ghcr.io", { env: process.env }); // "auths entry in /home/me/.docker/config.json"
 * ```
 */
export async function credentialSource(registry: string, options: CredentialOptions = {}): Promise<string> {
  const explicit = options.explicitFor === undefined || options.explicitFor.has(registry);
  if (explicit && options.creds !== undefined) return "--creds";
  const env = options.env ?? process.env;
  if (explicit && env["DIGESTGUARD_USERNAME"] && env["DIGESTGUARD_PASSWORD"])
    return "DIGESTGUARD_USERNAME/DIGESTGUARD_PASSWORD";
  for (const path of authFilePaths(options)) {
    const file = await readAuthFile(path).catch(() => undefined);
    if (file === undefined) continue;
    const helper = authKeysFor(registry)
      .map((key) => file.credHelpers[key])
      .find((h) => h !== undefined);
    if (helper !== undefined) return `credential helper docker-credential-${helper} (credHelpers in ${path})`;
    if (findAuthEntry(file, registry) !== undefined) return `auths entry in ${path}`;
    if (file.credsStore !== undefined)
      return `credential helper docker-credential-${file.credsStore} (credsStore in ${path})`;
  }
  return "none (anonymous)";
}
