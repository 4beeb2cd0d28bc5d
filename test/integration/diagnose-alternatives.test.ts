import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { serializeLockfile } from "../../src/lockfile/lockfile.js";
import { lockedFromBuilt } from "../support/built-lock-entry.js";
import { lockOf } from "../support/lock-entries.js";
import { builtLayer, noiseBytes, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// A team pinned app:1, later moved the pin; the new image's layer fails.
// The lockfile's git history holds the earlier digest; other tags of the
// repository may carry the same layer. diagnose --alternatives must offer
// only what it verified, and never the removal of the pin.

interface Images {
  old: BuiltImage;
  current: BuiltImage;
  sibling: BuiltImage;
  unrelated: BuiltImage;
}

const platform = (layers: { path: string; content: string | Buffer }[][]) => ({
  flavour: "oci" as const,
  index: true,
  platforms: [{ os: "linux", architecture: "amd64", layers }],
});

async function buildSet(seed: string): Promise<Images> {
  const base = [{ path: "etc/base", content: `${seed} base\n` }];
  const fresh = [{ path: "app/data.bin", content: noiseBytes(`${seed}-fresh`, 16384) }];
  return {
    old: await buildImage(platform([base, [{ path: "app/old", content: `${seed} old app\n` }]])),
    current: await buildImage(platform([base, fresh])),
    sibling: await buildImage(platform([[{ path: "etc/other", content: `${seed} other base\n` }], fresh])),
    unrelated: await buildImage(platform([[{ path: "etc/unrelated", content: `${seed} unrelated\n` }]])),
  };
}

interface Report {
  verdict: { cause: string; nextSteps: string[] };
  alternatives: { kind: string; reference: string; helps: boolean; detail: string }[];
  alternativesNotes: string[];
}

describe("diagnose --alternatives offers only verified ways forward", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  const folders: string[] = [];

  before(async () => {
    registry = await startRegistry({ mode: "http" });
  });
  after(async () => {
    await registry?.stop();
    await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
  });

  /** Push the set under `repo`, commit two lockfile versions (old, then current) in a new git repository. */
  async function project(repo: string, images: Images): Promise<string> {
    await pushImage(registry, repo, images.old, ["0.9"]);
    await pushImage(registry, repo, images.sibling, ["2"]);
    await pushImage(registry, repo, images.unrelated, ["3"]);
    await pushImage(registry, repo, images.current, ["1"]);
    const dir = await mkdtemp(join(tmpdir(), "dg-ways-"));
    folders.push(dir);
    const git = (...args: string[]) =>
      execFileSync(
        "git",
        ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", ...args],
        { cwd: dir, stdio: "pipe" },
      );
    git("init", "-q");
    const ref = `${registry.host}/${repo}:1`;
    for (const [message, image] of [
      ["pin app:1", images.old],
      ["move app:1", images.current],
    ] as const) {
      await writeFile(join(dir, "digestguard.lock"), serializeLockfile(lockOf([lockedFromBuilt(ref, image)])));
      git("add", "digestguard.lock");
      git("commit", "-q", "-m", message);
    }
    return dir;
  }

  const failingText = (layer: string, actual: string) =>
    `failed commit on ref "layer-${layer}": unexpected commit digest ${actual}, expected ${layer}: failed precondition`;

  // The pasted error a failing build would print for `layer`, diagnosed with
  // --alternatives from the project folder `cwd`.
  const diagnoseWithAlternatives = (layer: string, cwd: string) =>
    runCli(
      [
        "diagnose",
        "--json",
        "--alternatives",
        "--no-cache",
        "--no-engines",
        failingText(layer, `sha256:${"e".repeat(64)}`),
      ],
      { cwd },
    );

  it("the registry serves the new layer broken: the earlier pin is offered, verified; a tag with the same layer does not help", async () => {
    const images = await buildSet("broken");
    const dir = await project("ways/broken", images);
    const layer = builtLayer(images.current, 0, 1).descriptor;
    assert.equal(
      builtLayer(images.sibling, 0, 1).descriptor.digest,
      layer.digest,
      "the sibling carries the same layer",
    );
    const path = registry.blobDataPath(layer.digest);
    const bytes = await readFile(path);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    await writeFile(path, bytes);
    const res = await diagnoseWithAlternatives(layer.digest, dir);
    assert.equal(res.exitCode, 0, res.stderr);
    const report = JSON.parse(res.stdout.toString()) as Report;
    assert.equal(report.verdict.cause, "registry-serves-bad-bytes");
    const previous = report.alternatives.filter((a) => a.kind === "previous-digest");
    assert.deepEqual(
      previous.map((a) => [a.reference, a.helps]),
      [[`${registry.host}/ways/broken:1@${images.old.root.digest}`, true]],
    );
    assert.match(previous[0]?.detail ?? "", /^verified: the whole image verifies/);
    const tags = report.alternatives.filter((a) => a.kind === "other-tag");
    assert.deepEqual(
      tags.map((a) => [a.reference, a.helps]),
      [[`${registry.host}/ways/broken:2@${images.sibling.root.digest}`, false]],
    );
    assert.match(tags[0]?.detail ?? "", /^does not help: it carries the same layer/);
    assert.ok(!res.stdout.toString().includes(images.unrelated.root.digest), "a tag without the layer is not offered");
    const text = await runCli(
      [
        "diagnose",
        "--no-cache",
        "--no-engines",
        "--report",
        "report.md",
        failingText(layer.digest, `sha256:${"e".repeat(64)}`),
      ],
      { cwd: dir },
    );
    assert.match(
      text.stdout.toString(),
      new RegExp(`Ways forward[^\\n]*\\n  1\\. earlier pin: ${registry.host}/ways/broken:1@${images.old.root.digest}`),
    );
    const markdown = await readFile(join(dir, "report.md"), "utf8");
    assert.match(
      markdown,
      new RegExp(
        `## Ways forward[\\s\\S]*\\| yes \\| earlier pin \\| \`${registry.host}/ways/broken:1@${images.old.root.digest}\``,
      ),
    );
    for (const out of [res.stdout.toString(), text.stdout.toString(), markdown])
      assert.doesNotMatch(out, /remove (the |your )?(digest )?pin|unpin|drop (the )?pin/i);
  });

  it("the registry serves the layer intact: another tag with the same layer is offered, verified; one without it is not", async () => {
    const images = await buildSet("fine");
    const dir = await project("ways/fine", images);
    const layer = builtLayer(images.current, 0, 1).descriptor;
    const res = await diagnoseWithAlternatives(layer.digest, dir);
    assert.equal(res.exitCode, 0, res.stderr);
    const report = JSON.parse(res.stdout.toString()) as Report;
    const tags = report.alternatives.filter((a) => a.kind === "other-tag");
    assert.deepEqual(
      tags.map((a) => [a.reference, a.helps, a.detail]),
      [
        [
          `${registry.host}/ways/fine:2@${images.sibling.root.digest}`,
          true,
          "verified: the failing layer is served intact",
        ],
      ],
    );
    assert.ok(!res.stdout.toString().includes(images.unrelated.root.digest), "a tag without the layer is not offered");
    assert.ok(
      report.alternativesNotes.some((n) => /examined 3 of 4/.test(n)),
      report.alternativesNotes.join("\n"),
    );
    const elsewhere = await mkdtemp(join(tmpdir(), "dg-ways-no-git-"));
    folders.push(elsewhere);
    await writeFile(join(elsewhere, "digestguard.lock"), await readFile(join(dir, "digestguard.lock")));
    const outside = JSON.parse((await diagnoseWithAlternatives(layer.digest, elsewhere)).stdout.toString()) as Report;
    assert.ok(
      outside.alternativesNotes.includes(
        "lockfile history: the lockfile is not in a git repository, so no earlier pins",
      ),
      outside.alternativesNotes.join("\n"),
    );
    assert.deepEqual(
      outside.alternatives.map((a) => a.kind),
      ["other-tag"],
    );
  });

  for (const [count, bound] of [
    [20, 23],
    [60, 50],
  ] as const) {
    it(`a repository with ${count + 4} tags: ${bound} examined with one HEAD each, each distinct image walked once`, async (t: TestContext) => {
      const images = await buildSet(`many-${count}`);
      const repo = `ways/many${count}`;
      const dir = await project(repo, images);
      const half = Array.from({ length: count / 2 }, (_, i) => i);
      await pushImage(
        registry,
        repo,
        images.sibling,
        half.map((i) => `2.${i}`),
      );
      await pushImage(
        registry,
        repo,
        images.unrelated,
        half.map((i) => `3.${i}`),
      );
      const layer = builtLayer(images.current, 0, 1).descriptor;
      const plainStart = (await registry.requestLog()).length;
      await runCli(
        ["diagnose", "--json", "--no-cache", "--no-engines", failingText(layer.digest, `sha256:${"e".repeat(64)}`)],
        { cwd: dir },
      );
      const before = (await registry.requestLog()).length;
      const res = await diagnoseWithAlternatives(layer.digest, dir);
      assert.equal(res.exitCode, 0, res.stderr);
      const requests = (await registry.requestLog()).slice(before).filter((r) => r.uri.startsWith(`/v2/${repo}/`));
      const headsByTag = requests.filter((r) => r.method === "HEAD" && /\/manifests\/[^:]+$/.test(r.uri));
      assert.equal(headsByTag.length, bound);
      assert.equal(
        requests.filter((r) => r.method === "GET" && r.uri.endsWith(`/manifests/${images.sibling.root.digest}`)).length,
        1,
      );
      const report = JSON.parse(res.stdout.toString()) as Report;
      assert.deepEqual(
        report.alternatives.filter((a) => a.kind === "other-tag").map((a) => a.helps),
        [true],
      );
      t.diagnostic(
        `${requests.length} requests for diagnose --alternatives over ${count + 4} tags, ${before - plainStart} without --alternatives (${headsByTag.length} HEAD by tag, ${requests.filter((r) => r.method === "GET" && r.uri.includes("/blobs/")).length} blob GETs)`,
      );
    });
  }
});
