import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Lockfile } from "../../src/lockfile/lockfile-schema.js";

/** A temporary project folder with files to pin; see {@link makeProject}. */
export interface PinProject {
  dir: string;
  /** Absolute path of a file given relative to the project. */
  path(file: string): string;
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  /** Every regular file under the project (relative path → bytes), symlinks not followed. */
  snapshot(): Promise<Map<string, Buffer>>;
  /** The parsed lockfile (default `digestguard.lock`). */
  lock(file?: string): Promise<Lockfile>;
  cleanup(): Promise<void>;
}

/**
 * Create a temporary project with the given files (relative path → text).
 *
 * @example
 * ```ts
 * const project = await makeProject("pin", { Dockerfile: "FROM 127.0.0.1:5000/app:1\n" });
 * ```
 */
export async function makeProject(name: string, files: Record<string, string>): Promise<PinProject> {
  const dir = await mkdtemp(join(tmpdir(), `dg-${name}-`));
  const path = (file: string): string => join(dir, file);
  const write = async (file: string, text: string): Promise<void> => {
    await mkdir(dirname(path(file)), { recursive: true });
    await writeFile(path(file), text);
  };
  for (const [file, text] of Object.entries(files)) await write(file, text);
  return {
    dir,
    path,
    write,
    read: (file) => readFile(path(file), "utf8"),
    snapshot: () => snapshot(dir),
    lock: async (file = "digestguard.lock") => JSON.parse(await readFile(path(file), "utf8")) as Lockfile,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(relative(dir, full), await readFile(full));
  }
  return out;
}

/**
 * The text with every `@sha256:…` / `@sha512:…` pin removed: what a pinned
 * file must give back to show that pinning changed nothing else.
 *
 * @example
 * ```ts
 * stripPins("FROM a:1@sha256:" + "0".repeat(64)); // "FROM a:1"
 * ```
 */
export function stripPins(text: string): string {
  return text.replace(/@sha256:[0-9a-f]{64}|@sha512:[0-9a-f]{128}/g, "");
}

/** How many pins the text holds. */
export function countPins(text: string): number {
  return (text.match(/@sha256:[0-9a-f]{64}|@sha512:[0-9a-f]{128}/g) ?? []).length;
}
