import { DigestguardError } from "../../errors/error.js";
import { credentialsFromHelper } from "./credential-helper.js";
import { authFilePaths, authKeysFor, findAuthEntry, readAuthFile, type AuthFile } from "./docker-config.js";

import type { Credentials } from "./credential.js";

export type { Credentials } from "./credential.js";

/** Where to look for credentials. */
export interface CredentialOptions {
  /** Explicit `user:password` (flag `--creds`); wins over everything for the registries in `explicitFor`. */
  creds?: string;
  /**
   * The registries `creds` and `DIGESTGUARD_USERNAME`/`DIGESTGUARD_PASSWORD`
   * are meant for (the ones named on the command line); other registries a
   * command reaches (mirrors, …) only get what the auth files hold for them.
   * Undefined means every registry. The CLI may add to the set as it goes.
   */
  explicitFor?: ReadonlySet<string>;
  /** Use this auth file only (flag `--authfile`). */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  signal?: AbortSignal;
}

/**
 * Find credentials for a registry where users already keep them: `--creds`,
 * `DIGESTGUARD_USERNAME`/`DIGESTGUARD_PASSWORD`, then the auth files (per-registry
 * `credHelpers`, inline `auths` entries with `auth` or `identitytoken`, and
 * finally the global `credsStore`). Undefined means anonymous.
 *
 * @example
 * ```ts
 * const creds = await findCredentials("ghcr.io", { env: process.env });
 * ```
 */
export async function findCredentials(
  registry: string,
  options: CredentialOptions & { repository?: string } = {},
): Promise<Credentials | undefined> {
  const explicit =
    options.explicitFor === undefined || [...options.explicitFor].some((name) => sameRegistry(name, registry));
  if (explicit && options.creds !== undefined) return parseCredsFlag(options.creds);
  const env = options.env ?? process.env;
  if (explicit && env["DIGESTGUARD_USERNAME"] && env["DIGESTGUARD_PASSWORD"]) {
    return { username: env["DIGESTGUARD_USERNAME"], password: env["DIGESTGUARD_PASSWORD"] };
  }
  for (const path of authFilePaths(options)) {
    const file = await readAuthFile(path);
    if (file === undefined) continue;
    const found = await credentialsFromFile(file, registry, options);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function credentialsFromFile(
  file: AuthFile,
  registry: string,
  options: CredentialOptions & { repository?: string },
): Promise<Credentials | undefined> {
  const serverUrl = authKeysFor(registry)[0] as string;
  const helper = authKeysFor(registry)
    .map((key) => file.credHelpers[key])
    .find((h) => h !== undefined);
  if (helper !== undefined) return credentialsFromHelper(helper, serverUrl, options);
  const entry = findAuthEntry(file, registry, options.repository);
  if (entry !== undefined) {
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.auth) return decodeAuth(entry.auth, file.path, registry);
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  if (file.credsStore !== undefined) return credentialsFromHelper(file.credsStore, serverUrl, options);
  return undefined;
}

const DOCKER_HUB_NAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

// Docker Hub answers under several names; credentials given for one are meant for all.
function sameRegistry(a: string, b: string): boolean {
  return a === b || (DOCKER_HUB_NAMES.has(a) && DOCKER_HUB_NAMES.has(b));
}

function decodeAuth(auth: string, path: string, registry: string): Credentials {
  const decoded = Buffer.from(auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) {
    throw new DigestguardError(
      "CREDENTIALS_ERROR",
      `Cannot use the credentials for ${registry} in ${path}: its "auth" value is not base64 of user:password.`,
    );
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Parse a `user:password` flag value (the password may contain colons).
 *
 * @example
 * ```ts
 * parseCredsFlag("me:s3cr:et"); // { username: "me", password: "s3cr:et" }
 * ```
 */
export function parseCredsFlag(value: string): Credentials {
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new DigestguardError("USAGE", "Cannot use --creds: expected USER:PASSWORD.");
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}
