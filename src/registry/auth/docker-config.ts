import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DigestguardError } from "../../errors/error.js";

/** The parts of a docker `config.json` / containers `auth.json` that hold credentials. */
export interface AuthFile {
  path: string;
  auths: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

/**
 * The auth files to consult, most specific first, as docker, podman and
 * skopeo find them: `REGISTRY_AUTH_FILE`, the containers `auth.json` under
 * `XDG_RUNTIME_DIR` and `~/.config/containers`, then docker's `config.json`
 * under `DOCKER_CONFIG` or `~/.docker`. An explicit `authFile` replaces them all.
 *
 * @example
 * ```ts
 * authFilePaths({ env: process.env }); // ["/run/user/1000/containers/auth.json", ..., "/home/me/.docker/config.json"]
 * ```
 */
export function authFilePaths(options: { authFile?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string[] {
  if (options.authFile !== undefined) return [options.authFile];
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const paths: string[] = [];
  if (env["REGISTRY_AUTH_FILE"]) paths.push(env["REGISTRY_AUTH_FILE"]);
  if (env["XDG_RUNTIME_DIR"]) paths.push(join(env["XDG_RUNTIME_DIR"], "containers", "auth.json"));
  paths.push(join(env["XDG_CONFIG_HOME"] ?? join(home, ".config"), "containers", "auth.json"));
  paths.push(join(env["DOCKER_CONFIG"] ?? join(home, ".docker"), "config.json"));
  return paths;
}

/**
 * Read one auth file; a missing file is undefined, a malformed one is a
 * CREDENTIALS_ERROR naming the file (never its contents).
 *
 * @example
 * ```ts
 * const file = await readAuthFile("/home/me/.docker/config.json");
 * ```
 */
export async function readAuthFile(path: string): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DigestguardError("CREDENTIALS_ERROR", `Cannot read auth file ${path}: ${(error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DigestguardError("CREDENTIALS_ERROR", `Cannot read auth file ${path}: it is not valid JSON.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new DigestguardError("CREDENTIALS_ERROR", `Cannot read auth file ${path}: expected a JSON object.`);
  }
  const record = parsed as Record<string, unknown>;
  return {
    path,
    auths: authEntries(record["auths"], path),
    credHelpers: helperNames(record["credHelpers"], path),
    ...(typeof record["credsStore"] === "string" && record["credsStore"] !== ""
      ? { credsStore: record["credsStore"] }
      : {}),
  };
}

// Shapes are checked on reading: a number or object where a string belongs
// would otherwise surface later as a bare TypeError from inside the lookup.
// Messages name the file and the registry key, never a value.
function authEntries(value: unknown, path: string): AuthFile["auths"] {
  const entries: AuthFile["auths"] = {};
  for (const [key, entry] of Object.entries(objectOrEmpty(value))) {
    if (entry === null) continue; // docker reads a null entry as an empty one
    if (typeof entry !== "object" || Array.isArray(entry))
      throw malformed(path, `the "auths" entry for ${key} is not an object`);
    for (const field of ["auth", "identitytoken", "username", "password"]) {
      const fieldValue = (entry as Record<string, unknown>)[field];
      if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== "string") {
        throw malformed(path, `"${field}" in the "auths" entry for ${key} is not a string`);
      }
    }
    entries[key] = entry as AuthFile["auths"][string];
  }
  return entries;
}

function helperNames(value: unknown, path: string): AuthFile["credHelpers"] {
  const helpers: AuthFile["credHelpers"] = {};
  for (const [key, helper] of Object.entries(objectOrEmpty(value))) {
    if (typeof helper !== "string") throw malformed(path, `the "credHelpers" value for ${key} is not a string`);
    helpers[key] = helper;
  }
  return helpers;
}

function malformed(path: string, why: string): DigestguardError {
  return new DigestguardError("CREDENTIALS_ERROR", `Cannot read auth file ${path}: ${why}.`);
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const DOCKER_HUB_KEYS = [
  "https://index.docker.io/v1/",
  "index.docker.io",
  "docker.io",
  "registry-1.docker.io",
  "https://index.docker.io/v1",
];

/**
 * The keys under which an auth file may hold a registry's credentials, best
 * first. Docker Hub is stored under its legacy key `https://index.docker.io/v1/`;
 * other hosts may appear bare or as URLs.
 *
 * @example
 * ```ts
 * authKeysFor("docker.io"); // ["https://index.docker.io/v1/", "index.docker.io", ...]
 * ```
 */
export function authKeysFor(registry: string): string[] {
  if (registry === "docker.io") return DOCKER_HUB_KEYS;
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

/**
 * Find the entry for `registry` (or `registry/repository` namespace, as
 * containers-auth.json allows) in an auth file's `auths`.
 */
export function findAuthEntry(
  file: AuthFile,
  registry: string,
  repository?: string,
): AuthFile["auths"][string] | undefined {
  if (repository !== undefined) {
    const parts = repository.split("/");
    for (let n = parts.length; n > 0; n--) {
      const entry = file.auths[`${registry}/${parts.slice(0, n).join("/")}`];
      if (entry !== undefined) return entry;
    }
  }
  for (const key of authKeysFor(registry)) {
    const entry = file.auths[key];
    if (entry !== undefined) return entry;
  }
  return undefined;
}
