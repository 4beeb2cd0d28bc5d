import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DOCUMENT_SCHEMAS } from "../../src/cli/schemas/output-schemas.js";
import { MediaType } from "../../src/oci/media-types.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";

const tempFolder = tempFolders("sync");

interface Report {
  ok: boolean;
  dryRun: boolean;
  images: {
    target: string;
    tags: { tag: string; status: string; digest: string; previous?: string; backupTag?: string; bytes: number }[];
  }[];
  totals: {
    copied: number;
    upToDate: number;
    wouldCopy: number;
    failed: number;
    bytes: number;
    blobsUploaded: number;
    blobsMounted: number;
  };
}

// Two loopback registries: the source's tags are filtered, renamed by the
// target template and copied; a re-run moves nothing; a moved source tag
// moves the target tag only after the old one is kept as a backup tag.
describe("dg sync between two registries", { skip: registrySkipReason() }, () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let images: FixtureImages;
  let config: string;
  const sync = async (...flags: string[]): Promise<Report> => {
    const res = await runCli(["sync", "--json", "--config", config, ...flags]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const document = JSON.parse(res.stdout.toString()) as unknown;
    const parsed = DOCUMENT_SCHEMAS["sync"]?.safeParse(document);
    assert.ok(
      parsed?.success,
      `sync --json must match schemas/sync.schema.json: ${JSON.stringify(parsed?.error?.issues)}`,
    );
    return document as Report;
  };
  const manifest = async (repository: string, ref: string) => {
    const res = await fetch(`http://${target.host}/v2/${repository}/manifests/${ref}`, {
      headers: { accept: [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifest].join(", ") },
    });
    return {
      status: res.status,
      digest: res.headers.get("docker-content-digest"),
      body: res.ok ? await res.json() : undefined,
    };
  };

  before(async () => {
    [source, target, images] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "http" }),
      buildFixtureImages("sync"),
    ]);
    await pushImage(source, "library/app", images.ociSingle, ["1.0", "1.1", "2.0", "2.0-rc1", "edge"]);
    await pushImage(source, "team/tool", images.ociIndex, ["v1", "v2"]);
    await pushImage(source, "library/app2", images.ociSingle, ["1.0"]);
    config = join(await tempFolder(), "digestguard.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "sync:",
        "  version: 1",
        `  target: "${target.host}/hub/{repo}"`,
        "  backup: true",
        "  images:",
        `    - source: ${source.host}/library/app`,
        '      tags: { allow: "^[0-9]", deny: "-rc", newest: 2 }',
        `    - source: ${source.host}/team/tool`,
        "      tags: { exact: [v1] }",
        "      platforms: [linux/amd64]",
        `      target: "${target.host}/tools/{name}"`,
        `    - source: ${source.host}/library/app2`,
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  test("--dry-run lists what the filters select, with the bytes to move, and writes nothing", async () => {
    const plan = await sync("--dry-run");
    assert.equal(plan.dryRun, true);
    assert.deepEqual(
      plan.images.map((i) => [i.target, i.tags.map((t) => `${t.tag}:${t.status}`)]),
      [
        [`${target.host}/hub/library/app`, ["1.1:would-copy", "2.0:would-copy"]],
        [`${target.host}/tools/tool`, ["v1:would-copy"]],
        [`${target.host}/hub/library/app2`, ["1.0:would-copy"]],
      ],
    );
    assert.ok(plan.totals.bytes > 0);
    assert.equal((await manifest("hub/library/app", "1.1")).status, 404);
  });

  test("--once copies them under the template, a platform subset as its own index; a re-run moves 0 bytes", async () => {
    const first = await sync("--once");
    assert.equal(first.totals.copied, 4, JSON.stringify(first));
    assert.ok(first.totals.bytes > 0);
    assert.ok(first.totals.blobsUploaded > 0);
    // app2 is app's image: its blobs are mounted from the repository synced before it.
    assert.ok(first.totals.blobsMounted > 0, JSON.stringify(first.totals));
    assert.equal((await manifest("hub/library/app", "2.0")).digest, images.ociSingle.root.digest);
    const tool = await manifest("tools/tool", "v1");
    assert.notEqual(tool.digest, images.ociIndex.root.digest);
    assert.equal((tool.body as { manifests: unknown[] }).manifests.length, 1);
    assert.equal((await manifest("hub/library/app", "edge")).status, 404);

    const again = await sync("--once");
    assert.deepEqual([again.totals.upToDate, again.totals.copied, again.totals.bytes], [4, 0, 0]);
  });

  test("a moved source tag: the target's old manifest is kept as <tag>-backup-<date>, then the tag moves", async () => {
    await pushImage(source, "library/app", images.dockerSingle, ["2.0"]);
    const report = await sync("--once");
    const moved = report.images[0]?.tags.find((t) => t.tag === "2.0");
    const backupTag = `2.0-backup-${new Date().toISOString().slice(0, 10)}`;
    assert.deepEqual(
      [moved?.status, moved?.previous, moved?.backupTag, moved?.digest],
      ["copied", images.ociSingle.root.digest, backupTag, images.dockerSingle.root.digest],
    );
    assert.equal((await manifest("hub/library/app", backupTag)).digest, images.ociSingle.root.digest);
    assert.equal((await manifest("hub/library/app", "2.0")).digest, images.dockerSingle.root.digest);
    assert.equal(report.totals.upToDate, 3);
  });

  test("a second move on the same day keeps the day's first backup and adds <tag>-backup-<date>.2", async () => {
    const first = `2.0-backup-${new Date().toISOString().slice(0, 10)}`;
    await pushImage(source, "library/app", images.ociIndex, ["2.0"]);
    const report = await sync("--once");
    const moved = report.images[0]?.tags.find((t) => t.tag === "2.0");
    assert.deepEqual(
      [moved?.status, moved?.previous, moved?.backupTag],
      ["copied", images.dockerSingle.root.digest, `${first}.2`],
    );
    assert.equal((await manifest("hub/library/app", first)).digest, images.ociSingle.root.digest);
    assert.equal((await manifest("hub/library/app", `${first}.2`)).digest, images.dockerSingle.root.digest);
  });

  test("a config without a sync section, or an unknown key in it, is refused", async () => {
    const bad = join(await tempFolder(), "digestguard.yaml");
    await writeFile(bad, `version: 1\nsync:\n  version: 1\n  images: [{ source: a/b, tagz: [1] }]\n`);
    const res = await runCli(["sync", "--dry-run", "--config", bad]);
    assert.equal(res.exitCode, 2, res.stderr);
    assert.match(res.stderr, /tagz/);
  });
});
