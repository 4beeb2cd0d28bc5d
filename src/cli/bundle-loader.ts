import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";

/** Where `npm run build` writes the bundled CLI (scripts/bundle-cli.mjs): dist/cli, beside dist/src. */
export const BUNDLE_DIR = fileURLToPath(new URL("../../cli/", import.meta.url));

/** One bundle file as the loader ran it. */
export interface LoadedBundle {
  file: string;
  exports: Record<string, unknown>;
  /** Whether V8 refused the file's code cache (made by another node or with other flags); undefined without one. */
  cacheRejected: boolean | undefined;
  script: Script;
}

const loaded = new Map<string, LoadedBundle>();
const nodeRequire = createRequire(import.meta.url);

/**
 * Start the command line: the bundle in dist/cli when the build made one,
 * else the modules tsc wrote to dist/src (same behaviour, slower start).
 *
 * @example
 * ```ts
 * await runCli(process.argv);
 * ```
 */
export async function runCli(argv: string[]): Promise<void> {
  useStartupV8Flags();
  let main: typeof import("./main.js");
  try {
    main = loadBundle(join(BUNDLE_DIR, "start.cjs")).exports as unknown as typeof import("./main.js");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    main = await import("./main.js");
  }
  await main.buildProgram(argv).parseAsync(argv);
}

/**
 * undici parses HTTP with WebAssembly; V8 compiles it quickly (Liftoff) and
 * then again, optimised, on a background thread, and node waits for that job
 * before it exits: about 80 ms added to every one-request command. The
 * baseline code is fast enough for headers. Set before anything compiles, and
 * the same when code caches are made, since V8 checks flags against a cache.
 */
function useStartupV8Flags(): void {
  setFlagsFromString("--liftoff-only");
}

/**
 * Run a CommonJS bundle with its V8 code cache (`FILE.cache`) when there is
 * one; each file runs once per process. A bundle's relative requires load
 * other bundles the same way; anything else is node's require.
 *
 * @example
 * ```ts
 * const { buildProgram } = loadBundle("/app/dist/cli/start.cjs").exports;
 * ```
 */
export function loadBundle(file: string): LoadedBundle {
  const existing = loaded.get(file);
  if (existing !== undefined) return existing;
  const source = readFileSync(file, "utf8");
  const cachedData = readIfPresent(`${file}.cache`);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const module = { exports: {} as Record<string, unknown> };
  const bundle: LoadedBundle = {
    file,
    exports: module.exports,
    cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected,
    script,
  };
  loaded.set(file, bundle);
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, bundleRequire(dirname(file)), module, file, dirname(file));
  bundle.exports = module.exports;
  return bundle;
}

/** The bundles this process has loaded, in load order. */
export function loadedBundles(): LoadedBundle[] {
  return [...loaded.values()];
}

function bundleRequire(dir: string): NodeJS.Require {
  const require = ((id: string) =>
    id.startsWith("./") ? loadBundle(resolve(dir, id)).exports : nodeRequire(id)) as NodeJS.Require;
  return Object.assign(require, {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
    main: undefined,
    extensions: nodeRequire.extensions,
  });
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Write the V8 code cache of every bundle in `dir` (run by the build in a
 * fresh process, with the flags the CLI runs with). Each bundle is run first
 * so the code its start-up executes is compiled into the cache, and the
 * command line renders its help once for the same reason.
 *
 * @example
 * ```ts
 * writeCodeCaches(); // dist/cli/start.cjs.cache, dist/cli/command-digest.cjs.cache, ...
 * ```
 */
export function writeCodeCaches(dir: string = BUNDLE_DIR): void {
  useStartupV8Flags();
  const start = loadBundle(join(dir, "start.cjs"));
  (start.exports as unknown as typeof import("./main.js")).buildProgram().helpInformation();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".cjs"))) loadBundle(join(dir, name));
  for (const bundle of loaded.values()) {
    const temporary = `${bundle.file}.cache.${process.pid}.tmp`;
    writeFileSync(temporary, bundle.script.createCachedData());
    renameSync(temporary, `${bundle.file}.cache`);
  }
}
