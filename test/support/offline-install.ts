import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Install a packed digestguard tarball into an empty folder with no network:
 * npm's cache holds the dependency tarballs but not the registry's package
 * documents, so the install is driven by a lockfile that names each
 * dependency's tarball — the runtime entries of the project's own lockfile.
 *
 * @example
 * ```ts
 * await installTarballOffline({ tarball: "/tmp/digestguard-0.1.0.tgz", into: "/tmp/app", projectLock: "package-lock.json" });
 * ```
 */
export async function installTarballOffline(options: {
  tarball: string;
  into: string;
  projectLock: string;
}): Promise<void> {
  const project = JSON.parse(await readFile(options.projectLock, "utf8")) as { packages: Record<string, LockEntry> };
  const root = project.packages[""] as LockEntry & {
    name: string;
    version: string;
    dependencies: Record<string, string>;
  };
  const packages: Record<string, LockEntry> = {
    "": { name: "app", version: "1.0.0", dependencies: { digestguard: `file:${options.tarball}` } },
    "node_modules/digestguard": {
      version: root.version,
      resolved: `file:${options.tarball}`,
      dependencies: root.dependencies,
      bin: { dg: "bin/digestguard.js", digestguard: "bin/digestguard.js" },
    },
  };
  for (const [path, entry] of Object.entries(project.packages))
    if (path !== "" && entry.dev !== true)
      packages[path] = { ...entry, resolved: entry.resolved ?? registryTarball(path, entry) };
  await mkdir(options.into, { recursive: true });
  await writeFile(
    join(options.into, "package.json"),
    JSON.stringify({ name: "app", version: "1.0.0", dependencies: { digestguard: `file:${options.tarball}` } }),
  );
  await writeFile(
    join(options.into, "package-lock.json"),
    JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages }),
  );
  await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: options.into, maxBuffer: 16 << 20 });
}

// An entry without `resolved` would make npm ask the registry where the tarball is; it is where npm always puts it.
function registryTarball(path: string, entry: LockEntry): string {
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  return `https://registry.npmjs.org/${name}/-/${name.split("/").at(-1)}-${entry.version}.tgz`;
}
