import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { DOCUMENT_SCHEMAS } from "../../src/cli/schemas/output-schemas.js";
import { runCli } from "../support/run-cli.js";

// Real output of every --json command, over the offline demo world, must
// satisfy the schema published in schemas/ (the zod source of those files).

describe("--json output matches the schemas in schemas/", () => {
  let world: string;
  let app: string;
  let flags: string[];
  let cacheDir: string;
  before(async () => {
    world = await mkdtemp(join(tmpdir(), "digestguard-schemas-"));
    const demo = await runCli(["demo", "--dir", world]);
    assert.equal(demo.exitCode, 0, demo.stderr);
    app = join(world, "app");
    flags = ["--config", join(world, "digestguard.yaml")];
    cacheDir = join(world, "cache");
    // The demo ends with its pins moved to the backup copy; spoil one of its layers so check has findings to report.
    const lock = JSON.parse(await readFile(join(app, "digestguard.lock"), "utf8")) as {
      images: { platforms: { layers: { digest: string }[] }[] }[];
    };
    const layer = lock.images[0]?.platforms[0]?.layers[0]?.digest.replace("sha256:", "") ?? "";
    const blob = join(world, "backup/demo/base/blobs/sha256", layer);
    const bytes = await readFile(blob);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(blob, bytes);
  });
  after(() => rm(world, { recursive: true, force: true }));

  const base = "demo.local/demo/base:1.0";
  const lock = () => ["--lockfile", join(app, "digestguard.lock")];
  const valid = async (name: string, args: string[], exitCodes: number[], input?: string) => {
    const res = await runCli([...flags, ...args], { input, cwd: world });
    assert.ok(exitCodes.includes(res.exitCode), `${args.join(" ")} exited ${res.exitCode}: ${res.stderr}`);
    const parsed = DOCUMENT_SCHEMAS[name]?.safeParse(JSON.parse(res.stdout.toString()));
    assert.ok(parsed?.success, `${args.join(" ")}: ${JSON.stringify(parsed?.error?.issues)}`);
  };

  test("inspect, digest and tags", async () => {
    await valid("inspect", ["inspect", "--json", base], [0]);
    await valid("inspect", ["inspect", "--json", "--platform", "linux/amd64", base], [0]);
    await valid("digest", ["digest", "--json", base, "--platform", "linux/arm64", "demo.local/demo/base:gone"], [3]);
    await valid("tags", ["tags", "--json", `oci:${join(world, "registry/demo/base")}`], [0]);
  });

  test("verify: a corrupt layer and an unreadable manifest", async () => {
    await valid(
      "verify",
      [
        "verify",
        "--json",
        "--deep",
        base,
        "demo.local/demo/base@sha256:5566dc2c306021244cd81a277027f0e9daebb9b0ae988d8e810420589e983e71",
      ],
      [0, 6],
    );
    await valid("verify", ["verify", "--json", "demo.local/demo/base:no-such-tag"], [3]);
  });

  test("check, pin --check and pin", async () => {
    await valid("check", ["check", "--json", "--deep", ...lock(), app], [1, 6]);
    await valid("check", ["pin", "--check", "--format", "json", ...lock(), app], [0]);
    await valid("pin", ["pin", "--json", "--dry-run", "--update", ...lock(), app], [0]);
  });

  test("diagnose", async () => {
    const text =
      'failed commit on ref "layer-sha256:427ff2fed93d77e7ad0e38607ac6b2728f715b354fff12cfb576f1b942d510e2": unexpected commit digest sha256:e2df73ed8f56179c027753cf30aa8ba5db52917277bb37dd70356af9d7ca27ca, expected sha256:427ff2fed93d77e7ad0e38607ac6b2728f715b354fff12cfb576f1b942d510e2: failed precondition';
    await valid("diagnose", ["diagnose", "--json", "--no-engines", "--cache-dir", cacheDir, ...lock(), text], [0, 1]);
  });

  test("cache ls, verify and prune", async () => {
    await valid("verify", ["verify", "--json", "--cache", "--cache-dir", cacheDir, "demo.local/demo/base:1.0"], [0, 6]);
    await valid("cache-ls", ["cache", "ls", "--json", "--cache-dir", cacheDir], [0]);
    await valid("cache-verify", ["cache", "verify", "--json", "--cache-dir", cacheDir], [0]);
    await valid(
      "cache-prune",
      ["cache", "prune", "--json", "--dry-run", "--max-size", "0", "--cache-dir", cacheDir],
      [0],
    );
  });

  test("a failure with --json", async () => {
    await valid("error", ["inspect", "--json", "Bad/Upper"], [2]);
    await valid("error", ["tags", "--json", "--nope"], [2]);
  });

  test("the files users write: digestguard.yaml and digestguard.lock", async () => {
    assert.ok(
      DOCUMENT_SCHEMAS["digestguard-yaml"]?.safeParse(
        parseYaml(await readFile(join(world, "digestguard.yaml"), "utf8")),
      ).success,
    );
    assert.ok(
      DOCUMENT_SCHEMAS["digestguard-lock"]?.safeParse(JSON.parse(await readFile(join(app, "digestguard.lock"), "utf8")))
        .success,
    );
  });
});
