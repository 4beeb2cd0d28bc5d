#!/usr/bin/env node
// Bundles the CLI for a fast start (run by `npm run build` after tsc):
//   dist/cli/start.cjs        the command line (commander, main.ts): all --help needs
//   dist/cli/command-X.cjs    one per command, loaded only when X runs
// and a V8 code cache beside each (`.cache`), written by a fresh node process
// through the same loader bin/digestguard.js uses (src/cli/bundle-loader.ts).
// One process runs one command, so code the commands share is repeated in
// their bundles harmlessly, except errors/error.ts: its classes are checked
// with instanceof, so every command bundle takes them from start.cjs.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/cli");
const commandsDir = join(root, "src/cli/commands");
// Each command is X.ts (what it does) beside X-definition.ts (its flags and help, part of start.cjs).
const commands = readdirSync(commandsDir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith("-definition.ts"))
  .map((f) => f.slice(0, -3));

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // Every import() becomes a lazy require, which the loader serves from the bundles.
  supported: { "dynamic-import": false },
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
  absWorkingDir: root,
  metafile: true,
};

/** X-definition.ts imports ./X.js when X runs: point that at command-X.cjs. */
const commandBundles = {
  name: "command-bundles",
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
      const name = args.path.slice(2, -3);
      if (args.kind !== "dynamic-import" || args.resolveDir !== commandsDir || !commands.includes(name))
        return undefined;
      return { path: `./command-${name}.cjs`, external: true };
    });
  },
};

/** Command bundles share start.cjs's errors module (instanceof must hold across bundles). */
const sharedErrors = {
  name: "shared-errors",
  setup(b) {
    b.onResolve({ filter: /^\.\/start\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    // Matched by the file it resolves to, so "./error.js" inside errors/ counts too.
    const errorsModule = join(root, "src/errors/error.js");
    b.onResolve({ filter: /(^|\/)error\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === errorsModule
        ? { path: "shared-errors", namespace: "digestguard" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "digestguard" }, () => ({
      contents: 'module.exports = require("./start.cjs").errors;',
      loader: "js",
    }));
  },
};

/** The CLI needs undici's Agent only; see scripts/bundle/undici-agent.cjs. */
const undiciAgent = {
  name: "undici-agent",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.startsWith(join(root, "src")) ? { path: join(root, "scripts/bundle/undici-agent.cjs") } : undefined,
    );
  },
};

/**
 * `import.meta.url` (a worker's script location) is empty in a CommonJS
 * bundle: give each module the URL of its tsc output in dist/src, which the
 * worker scripts sit beside.
 */
const importMetaUrl = {
  name: "import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const compiled = relative(join(root, "dist/cli"), join(root, "dist", relative(root, args.path))).replace(
        /\.ts$/,
        ".js",
      );
      const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(compiled)})).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

/**
 * The PostgreSQL history store and the pg driver are a bundle of their own,
 * postgres-history-store.cjs, required only when a postgres:// URL is
 * configured: the SQLite default neither parses nor runs them.
 */
const postgresBundle = {
  name: "postgres-bundle",
  setup(b) {
    b.onResolve({ filter: /^\.\/postgres-history-store\.js$/ }, (args) =>
      args.kind === "dynamic-import" && args.resolveDir === join(root, "src/history")
        ? { path: "./postgres-history-store.cjs", external: true }
        : undefined,
    );
  },
};

rmSync(outdir, { recursive: true, force: true });
const start = await build({
  ...common,
  stdin: {
    contents: 'export { buildProgram } from "./src/cli/main.ts";\nexport * as errors from "./src/errors/error.ts";\n',
    resolveDir: root,
    sourcefile: "start.ts",
    loader: "ts",
  },
  outfile: join(outdir, "start.cjs"),
  plugins: [commandBundles],
});
const perCommand = await build({
  ...common,
  entryPoints: {
    ...Object.fromEntries(commands.map((name) => [`command-${name}`, join(commandsDir, `${name}.ts`)])),
    "postgres-history-store": join(root, "src/history/postgres-history-store.ts"),
  },
  outdir,
  outExtension: { ".js": ".cjs" },
  // A native addon: loaded from node_modules at run time, not bundled. pg
  // requires pg-native only when asked for it (never here), so it stays out.
  external: ["better-sqlite3", "pg-native"],
  plugins: [sharedErrors, undiciAgent, importMetaUrl, postgresBundle],
});

// What each bundle holds (esbuild's metafile): for size work, and for the test that keeps start.cjs light.
const outputs = { ...start.metafile.outputs, ...perCommand.metafile.outputs };
writeFileSync(join(outdir, "meta.json"), `${JSON.stringify({ outputs }, null, 1)}\n`);

const cached = spawnSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    'const { writeCodeCaches } = await import("./dist/src/cli/bundle-loader.js"); writeCodeCaches();',
  ],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (cached.status !== 0) process.exit(cached.status ?? 1);
