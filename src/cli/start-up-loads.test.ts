// What the command line loads before it does anything: every command pays for
// it, so heavy packages (the YAML parser, zod, progress bars, the HTTP stack)
// must load only on the path that uses them. No timing here: the loaded
// modules are the regression, bench/startup-bench.ts holds the figures.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlesLoadedBy, modulesLoadedBy } from "../../test/support/loaded-modules.js";
import { BUNDLE_DIR } from "./bundle-loader.js";

// Port 1 on loopback: nothing listens, so `digest` fails fast with a network
// error, after it has loaded everything a real lookup loads.
const UNREACHABLE = "127.0.0.1:1/team/app:1.0";
const HEAVY_FOR_HELP = ["cli-progress", "fzstd", "tar-stream", "undici", "yaml", "zod"];

describe("what start-up loads", () => {
  let emptyDir: string;
  let configDir: string;

  before(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), "dg-no-config-"));
    configDir = await mkdtemp(join(tmpdir(), "dg-config-"));
    await writeFile(
      join(configDir, "digestguard.yaml"),
      "version: 1\nregistries:\n  127.0.0.1:1: { insecure: true }\n",
    );
  });
  after(async () => {
    await Promise.all([
      rm(emptyDir, { recursive: true, force: true }),
      rm(configDir, { recursive: true, force: true }),
    ]);
  });

  test("--help loads commander and nothing heavy", async () => {
    const run = await modulesLoadedBy(["--help"], { cwd: emptyDir });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.packages, ["commander"]);
  });

  test("digest without a config file loads neither the YAML parser nor progress bars", async () => {
    const run = await modulesLoadedBy(["digest", UNREACHABLE], { cwd: emptyDir });
    assert.equal(run.exitCode, 5, run.stderr);
    assert.ok(run.packages.includes("undici"), `the registry path ran: ${run.packages.join(", ")}`);
    for (const name of ["yaml", "cli-progress"])
      assert.ok(!run.packages.includes(name), `${name} loaded: ${run.packages.join(", ")}`);
  });

  test("digest without a config file does not load zod", {
    todo: "oci/manifest.ts imports the zod manifest schemas statically, and registry-client.ts imports oci/manifest.ts",
  }, async () => {
    const run = await modulesLoadedBy(["digest", UNREACHABLE], { cwd: emptyDir });
    assert.ok(!run.packages.includes("zod"), `zod loaded: ${run.packages.join(", ")}`);
  });

  test("a config file brings in the YAML parser and the config schema (the recorder sees them)", async () => {
    const run = await modulesLoadedBy(["digest", UNREACHABLE], { cwd: configDir });
    assert.equal(run.exitCode, 5, run.stderr);
    assert.ok(run.packages.includes("yaml") && run.packages.includes("zod"), run.packages.join(", "));
    assert.ok(run.urls.some((url) => url.endsWith("/config/config-schema.js")));
  });

  test("the bundled --help runs start.cjs alone, and start.cjs holds none of the heavy packages", async () => {
    const run = await bundlesLoadedBy(["--help"], { cwd: emptyDir });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.bundles, ["start.cjs"]);
    const start = (await bundleInputs())["start.cjs"];
    assert.ok(start !== undefined, "meta.json describes start.cjs");
    const packages = Object.keys(start)
      .map(fromNodeModules)
      .flatMap((file) => /^node_modules\/([^/]+)\//.exec(file)?.[1] ?? []);
    for (const name of HEAVY_FOR_HELP) assert.ok(!packages.includes(name), `start.cjs bundles ${name}`);
  });

  test("the bundled digest runs start.cjs and its own command bundle only, with undici's Agent but not its fetch", async () => {
    const run = await bundlesLoadedBy(["digest", UNREACHABLE], { cwd: emptyDir });
    assert.equal(run.exitCode, 5, run.stderr);
    assert.deepEqual(run.bundles, ["start.cjs", "command-digest.cjs"]);
    const inputs = Object.keys((await bundleInputs())["command-digest.cjs"] ?? {}).map(fromNodeModules);
    assert.ok(inputs.includes("node_modules/undici/lib/dispatcher/agent.js"), "the HTTP stack is bundled");
    // undici's index would bring these too: fetch itself, WebSocket, cookies, the mocks, the HTTP cache.
    const unused =
      /^node_modules\/undici\/(index\.js|lib\/(web\/fetch\/index\.js|web\/websocket\/|web\/cookies\/|mock\/|cache\/))/;
    assert.deepEqual(
      inputs.filter((file) => unused.test(file)),
      [],
    );
  });

  test("the PostgreSQL store and pg load only when a postgres:// history is named", async () => {
    const sqlite = await bundlesLoadedBy(["history", "r/app:1", "--db", join(emptyDir, "none.sqlite")], {
      cwd: emptyDir,
    });
    assert.deepEqual(sqlite.bundles, ["start.cjs", "command-history.cjs"], sqlite.stderr);
    const inputs = Object.keys((await bundleInputs())["command-history.cjs"] ?? {}).map(fromNodeModules);
    assert.deepEqual(
      inputs.filter((file) => file.startsWith("node_modules/pg")),
      [],
      "command-history.cjs leaves pg to its own bundle",
    );
    const postgres = await bundlesLoadedBy(
      ["history", "r/app:1", "--db", "postgres://dg@localhost/dg?host=/nonexistent"],
      {
        cwd: emptyDir,
      },
    );
    assert.equal(postgres.exitCode, 5, postgres.stderr);
    assert.deepEqual(postgres.bundles, ["start.cjs", "command-history.cjs", "postgres-history-store.cjs"]);
  });
});

/**
 * "../main/node_modules/x/y.js" → "node_modules/x/y.js": esbuild names a file
 * by its real path, which leaves the project when node_modules is a symlink.
 */
function fromNodeModules(file: string): string {
  const at = file.lastIndexOf("node_modules/");
  return at === -1 ? file : file.slice(at);
}

/** Bundle file name → the source files in it, from the build's dist/cli/meta.json. */
async function bundleInputs(): Promise<Record<string, Record<string, unknown>>> {
  const meta = JSON.parse(await readFile(join(BUNDLE_DIR, "meta.json"), "utf8")) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return Object.fromEntries(
    Object.entries(meta.outputs).map(([file, output]) => [file.split("/").pop() as string, output.inputs]),
  );
}
