import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const RECORDER = fileURLToPath(new URL("./module-load-recorder.js", import.meta.url));
const MAIN = new URL("../../src/cli/main.js", import.meta.url).href;
const BUNDLE_LOADER = new URL("../../src/cli/bundle-loader.js", import.meta.url).href;

/** What one recorded CLI run loaded. */
export interface LoadedModules {
  exitCode: number;
  stderr: string;
  /** Names of the npm packages whose entry was imported, e.g. ["commander", "undici"]. */
  packages: string[];
  /** URLs of everything the ES module loader loaded. */
  urls: string[];
}

/**
 * Run the command line from the modules tsc wrote (dist/src, not the
 * bundle) and record which modules it loaded, so a test can say what a
 * command must not pull in at start-up.
 *
 * @example
 * ```ts
 * const { packages } = await modulesLoadedBy(["--help"]);
 * assert.ok(!packages.includes("zod"));
 * ```
 */
export async function modulesLoadedBy(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<LoadedModules> {
  const dir = await mkdtemp(join(tmpdir(), "dg-modules-"));
  const logFile = join(dir, "modules.log");
  try {
    const script = `const { buildProgram } = await import(${JSON.stringify(MAIN)}); await buildProgram().parseAsync(["node", "digestguard", ...process.argv.slice(1)]);`;
    const run = await runNode(
      ["--import", RECORDER, "--input-type=module", "-e", script, "--", ...args],
      logFile,
      options,
    );
    const urls = (await readFile(logFile, "utf8").catch(() => "")).split("\n").filter((line) => line !== "");
    return { ...run, urls, packages: packagesOf(urls) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Run the bundled command line the way bin/digestguard.js does and give
 * the bundle files (dist/cli/*.cjs) it loaded, by file name.
 *
 * @example
 * ```ts
 * assert.deepEqual((await bundlesLoadedBy(["--help"])).bundles, ["start.cjs"]);
 * ```
 */
export async function bundlesLoadedBy(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ exitCode: number; stderr: string; bundles: string[] }> {
  const script = [
    `const loader = await import(${JSON.stringify(BUNDLE_LOADER)});`,
    `process.on("exit", () => process.stderr.write("\\nbundles=" + JSON.stringify(loader.loadedBundles().map((b) => b.file.split("/").pop())) + "\\n"));`,
    'await loader.runCli(["node", "digestguard", ...process.argv.slice(1)]);',
  ].join("\n");
  const run = await runNode(["--input-type=module", "-e", script, "--", ...args], undefined, options);
  const match = /\nbundles=(.*)\n$/.exec(run.stderr);
  return { ...run, bundles: match === null ? [] : (JSON.parse(match[1] as string) as string[]) };
}

function runNode(
  args: string[],
  logFile: string | undefined,
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<{ exitCode: number; stderr: string }> {
  // No config from the environment: each test says whether there is one.
  const { DIGESTGUARD_CONFIG: _inherited, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, REGISTRY_AUTH_FILE: "/nonexistent/auth.json", ...options.env };
  if (logFile !== undefined) env["DIGESTGUARD_MODULE_LOG"] = logFile;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { env, cwd: options.cwd, encoding: "utf8" },
      (error, _stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ exitCode: typeof code === "number" ? code : error ? 1 : 0, stderr });
      },
    );
    child.stdin?.end();
  });
}

function packagesOf(urls: string[]): string[] {
  const names = urls.flatMap((url) => {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return match === null ? [] : [match[1] as string];
  });
  return [...new Set(names)].sort();
}
