import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { installTarballOffline } from "../support/offline-install.js";
import { runCli } from "../support/run-cli.js";

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL("../../../", import.meta.url)));

// What users get: the npm package from a clean clone, the completion
// scripts, and the files CI integrations read (Dockerfile + lock, action,
// pre-commit hook). No network: npm installs from its cache.

describe("packaging", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "digestguard-pack-"));
  });
  after(() => rm(work, { recursive: true, force: true }));

  test("npm pack from a clean clone installs into an empty folder, and its dg runs --help and demo", {
    timeout: 300_000,
  }, async () => {
    const clone = join(work, "clone");
    await run("git", ["clone", "--quiet", "--local", ROOT, clone]);
    // The clone gets the shared dependencies the way a worktree does; prepack builds dist/ with them.
    await symlink(join(ROOT, "node_modules"), join(clone, "node_modules"));
    await run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: clone, maxBuffer: 16 << 20 });
    const tarball = (await readdir(work)).find((f) => /^digestguard-.*\.tgz$/.test(f));
    assert.ok(tarball !== undefined, "npm pack wrote a tarball");
    const listing = (await run("tar", ["-tzf", join(work, tarball)])).stdout;
    assert.match(listing, /package\/dist\/cli\/start\.cjs/);
    assert.match(listing, /package\/schemas\/verify\.schema\.json/);
    assert.doesNotMatch(listing, /\.test\.js/);
    const app = join(work, "app");
    await installTarballOffline({
      tarball: join(work, tarball),
      into: app,
      projectLock: join(clone, "package-lock.json"),
    });
    const dg = join(app, "node_modules/.bin/dg");
    assert.match((await run(dg, ["--help"], { cwd: app })).stdout, /Usage: digestguard/);
    const demo = await run(dg, ["demo", "--dir", join(work, "demo")], { cwd: app, maxBuffer: 16 << 20 });
    assert.match(demo.stdout, /Everything stays in/);
  });

  test("dg completion bash completes commands and flags for both names", async () => {
    const script = (await runCli(["completion", "bash"])).stdout.toString();
    const complete = async (words: string[]) =>
      (
        await run("bash", [
          "-c",
          `${script}\nCOMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _digestguard; echo "\${COMPREPLY[*]}"`,
        ])
      ).stdout.trim();
    assert.equal(await complete(["dg", "veri"]), "verify");
    assert.equal(await complete(["digestguard", "verify", "--de"]), "--deep");
    assert.equal(await complete(["dg", "cache", "pr"]), "prune");
    assert.match(script, /complete -o filenames -F _digestguard digestguard dg/);
    assert.match((await runCli(["completion", "zsh"])).stdout.toString(), /^#compdef digestguard dg\n/);
    assert.match(
      (await runCli(["completion", "fish"])).stdout.toString(),
      /complete -c dg -n '__fish_seen_subcommand_from check' -l format/,
    );
    assert.equal((await runCli(["completion", "tcsh"])).exitCode, 2);
  });

  test("the tool's own Dockerfile is pinned by digest and agrees with digestguard.lock", async () => {
    const res = await runCli(["pin", "--check", "--json", "Dockerfile"], { cwd: ROOT });
    assert.equal(res.exitCode, 0, res.stdout.toString());
    const dockerfile = await readFile(join(ROOT, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^USER node$/m, "runs as the image's unprivileged user");
    assert.ok(dockerfile.match(/^FROM \S+@sha256:[0-9a-f]{64}/gm)?.length === 2);
  });

  test("the GitHub Action runs check --format github and uploads SARIF; the pre-commit hook runs pin --check", async () => {
    const action = parseYaml(await readFile(join(ROOT, "action.yml"), "utf8")) as {
      runs: { using: string; steps: { run?: string; uses?: string }[] };
    };
    assert.equal(action.runs.using, "composite");
    assert.ok(action.runs.steps.some((s) => s.run?.includes("check") && s.run.includes("--format github")));
    assert.ok(action.runs.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif")));
    const hooks = parseYaml(await readFile(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as {
      id: string;
      entry: string;
    }[];
    assert.deepEqual(
      hooks.map((h) => [h.id, h.entry]),
      [["digestguard-pin-check", "dg pin --check"]],
    );
  });
});
