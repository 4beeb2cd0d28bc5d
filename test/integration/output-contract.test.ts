import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.js";

// The output contract every command keeps, checked on the real binary over
// the offline demo world (OCI layouts served as demo.local): JSON failures
// on stdout, no placeholders, quiet modes, colour, and usage errors.

const ESC = "\u001b[";

describe("the output contract", () => {
  let world: string;
  let config: string;
  before(async () => {
    world = await mkdtemp(join(tmpdir(), "digestguard-contract-"));
    const demo = await runCli(["demo", "--dir", world]);
    assert.equal(demo.exitCode, 0, demo.stderr);
    config = join(world, "digestguard.yaml");
  });
  after(() => rm(world, { recursive: true, force: true }));

  const jsonError = (stdout: Buffer) =>
    (JSON.parse(stdout.toString()) as { error: { code: string; message: string; exitCode: number } }).error;

  test("with --json, every command's failure is one JSON document on stdout, with the exit code it names", async () => {
    const failing: [string[], string, number][] = [
      [["inspect", "--json", "Bad/Upper:case"], "REFERENCE_INVALID", 2],
      [["tags", "--json", `oci:${join(world, "nothing-here")}`], "LAYOUT_INVALID", 8],
      [["digest", "--json", "--platform", "linux", "alpine"], "PLATFORM_INVALID", 2],
      [["verify", "--json", "--deep", "--manifests-only", "x"], "USAGE", 2],
      [["pin", "--json", "--image", "x", world], "USAGE", 2],
      [["pin", "--check", "--format", "json", "--lockfile", join(world, "nothing.lock"), "--bogus"], "USAGE", 2],
      [["check", "--json", "--lockfile", join(world, "nothing.lock")], "USAGE", 2],
      [["check", "--format", "json", "--lockfile", join(world, "nothing.lock")], "USAGE", 2],
      [["cache", "prune", "--json", "--older-than", "soon"], "USAGE", 2],
      [["diagnose", "--json", "--no-such-flag"], "USAGE", 2],
      [["--json", "demo", "--no-such-flag"], "USAGE", 2],
    ];
    for (const [args, code, exitCode] of failing) {
      const res = await runCli(args, { cwd: world });
      assert.equal(res.exitCode, exitCode, `${args.join(" ")}: ${res.stderr}`);
      const error = jsonError(res.stdout);
      assert.deepEqual([error.code, error.exitCode], [code, exitCode], args.join(" "));
      assert.ok(error.message.length > 0);
    }
  });

  test("verify --json of a manifest that cannot be read names no placeholder digest, type or size", async () => {
    const res = await runCli(["--config", config, "verify", "--json", "demo.local/demo/base:no-such-tag"]);
    assert.equal(res.exitCode, 3, res.stderr);
    const [top] =
      (JSON.parse(res.stdout.toString()) as { reports: { manifests: Record<string, unknown>[] }[] }).reports[0]
        ?.manifests ?? [];
    assert.equal(top?.["status"], "failed");
    assert.deepEqual(
      ["mediaType", "digest", "size"].filter((key) => key in (top ?? {})),
      [],
    );
    assert.equal(typeof top?.["unknown"], "string");
  });

  test("digest with no reference and nothing on stdin is a usage error", async () => {
    const res = await runCli(["digest"], { input: "" });
    assert.equal(res.exitCode, 2);
    assert.match(res.stderr, /error USAGE/);
  });

  test("digest -q prints digests only on stdout; failures go to stderr", async () => {
    const res = await runCli(["--config", config, "digest", "-q", "demo.local/demo/base:1.0", "Bad/Upper"]);
    assert.equal(res.exitCode, 2);
    assert.match(res.stdout.toString(), /^sha256:[0-9a-f]{64}\n$/);
    assert.match(res.stderr, /REFERENCE_INVALID/);
  });

  test("pin --format without --check is a usage error and writes nothing", async () => {
    const dir = join(world, "fresh");
    await mkdir(dir);
    await writeFile(join(dir, "Dockerfile"), "FROM demo.local/demo/base:1.0\n");
    const res = await runCli(["--config", config, "pin", "--format", "json", dir], { cwd: dir });
    assert.equal(res.exitCode, 2, res.stderr);
    assert.equal(jsonError(res.stdout).code, "USAGE");
    assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), "FROM demo.local/demo/base:1.0\n");
    assert.deepEqual(await readdir(dir), ["Dockerfile"]);
  });

  test("-q on pin, pin --check and check prints findings only: nothing when all is well", async () => {
    const app = join(world, "app");
    const lock = ["--lockfile", join(app, "digestguard.lock")];
    const pinQuiet = await runCli(["--config", config, "pin", "-q", ...lock, app]);
    assert.equal(pinQuiet.exitCode, 0, pinQuiet.stderr);
    assert.equal(pinQuiet.stdout.toString(), "");
    const pinCheck = await runCli(["pin", "--check", "-q", ...lock, app]);
    assert.equal(pinCheck.exitCode, 0, pinCheck.stderr);
    assert.equal(pinCheck.stdout.toString(), "");
    // The demo moved the tag upstream and ended pinned to its backup; the backup catching up
    // with upstream (as a sync would) moves the tag there too: one drift warning, and no summary line.
    await cp(join(world, "registry/demo/base"), join(world, "backup/demo/base"), { recursive: true, force: true });
    const check = await runCli(["--config", config, "check", "-q", ...lock, app]);
    assert.equal(check.exitCode, 0, check.stderr);
    assert.match(check.stdout.toString(), /^\S+: warning \[drift\] [^\n]+\n$/);
  });

  test("--color always colours, --color never and NO_COLOR do not", async () => {
    const args = ["verify", "--config", config, "demo.local/demo/base:1.0"];
    assert.ok((await runCli(["--color", "always", ...args])).stdout.toString().includes(ESC));
    assert.ok(
      (await runCli(["--color", "always", ...args], { env: { NO_COLOR: "1" } })).stdout.toString().includes(ESC),
      "an explicit flag wins over NO_COLOR",
    );
    assert.ok(!(await runCli(["--color", "never", ...args])).stdout.toString().includes(ESC));
    assert.ok(!(await runCli(args, { env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout.toString().includes(ESC));
    assert.ok((await runCli(["--color", "always", "inspect", "Bad/Upper"])).stderr.includes(ESC));
    assert.equal((await runCli(["--color", "sometimes", "inspect", "x"])).exitCode, 2);
  });

  test("diagnose --help gives an example a shell passes as one argument, quotes intact", async () => {
    const help = (await runCli(["diagnose", "--help"])).stdout.toString();
    const line = help
      .split("\n")
      .find((l) => l.includes("$ digestguard diagnose '") || l.includes('$ digestguard diagnose "'));
    assert.ok(line !== undefined, help);
    const command = line.slice(line.indexOf("digestguard diagnose ") + "digestguard diagnose ".length);
    const args = execFileSync("bash", ["-c", `printf '%s\\n' ${command}`], { encoding: "utf8" })
      .trimEnd()
      .split("\n");
    assert.equal(args.length, 1, `one argument: ${command}`);
    assert.match(args[0] as string, /failed commit on ref "layer-sha256:98d1…": unexpected commit digest/);
  });
});
