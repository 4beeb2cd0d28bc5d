import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseImage, platformDigest } from "../../test/support/pin-fixtures.js";
import { writeImage } from "../imagebuild/write-image.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";
import { parseReference } from "../oci/reference.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import type { OpenedLocation } from "../store/open-location.js";
import { matchesPattern, resolveReferences } from "./pin-references.js";
import { scanReferences, type ScannedFile } from "../scan/scan-references.js";

describe("matchesPattern", () => {
  const ref = "127.0.0.1:5000/team/base:1.0";
  const cases: [string | undefined, string, boolean][] = [
    [undefined, ref, true],
    ["*", ref, true],
    ["team/base:*", ref, true],
    ["base:*", ref, true],
    ["*base*", ref, true],
    ["ase:*", ref, false], // * patterns start at a path segment
    ["team/base:*", "127.0.0.1:5000/myteam/base:1.0", false],
    ["base:1*", "127.0.0.1:5000/team/base:1x0", true],
    ["base:1.0*", "127.0.0.1:5000/team/base:1x0", false], // "." is literal
    ["team/base", ref, true], // no * : a substring
    ["base:1.0", "127.0.0.1:5000/team/base:1x0", false],
    // A pattern that names a tag names that tag whole: the dashboard's
    // `pin --update --image '<reference>'` must not also move `:10`.
    ["127.0.0.1:5000/team/base:1", "127.0.0.1:5000/team/base:10", false],
    ["127.0.0.1:5000/team/base:1", "127.0.0.1:5000/team/base:1", true],
    ["base:1.0", "127.0.0.1:5000/team/base:1.0-slim", false],
    ["base:1.0", ref, true],
    ["team/base:1.0", "127.0.0.1:5000/myteam/base:1.0", false],
    ["127.0.0.1:5000", ref, true], // a registry host, not a tag: a substring
    ["localhost:5000", "localhost:5000/app:1", true],
    ["ruby:*", "docker.io/library/ruby:3.3-slim", true],
    ["library/ruby:3.*", "docker.io/library/ruby:3.3-slim", true],
    ["ruby:2*", "docker.io/library/ruby:3.3-slim", false],
    ["(a)+?[b]*", "x/(a)+?[b]c", true], // regex characters are literal
  ];
  for (const [pattern, reference, expected] of cases) {
    it(`${pattern ?? "(none)"} ${expected ? "matches" : "does not match"} ${reference}`, () => {
      assert.equal(matchesPattern(reference, pattern), expected);
    });
  }
});

describe("resolveReferences", () => {
  const H = "127.0.0.1:5000";
  let dir: string;
  let files: ScannedFile[];
  const stores = new Map<string, OciLayoutStore>();
  let opened: string[] = [];
  const open = async (reference: string): Promise<OpenedLocation> => {
    opened.push(reference);
    const parsed = parseReference(reference);
    const store = stores.get(parsed.repository);
    if (store === undefined) throw new Error(`no store for ${reference}`);
    return { store, target: {}, location: { kind: "oci-layout", path: "", target: {} }, display: reference };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-resolve-"));
    for (const repo of ["team/a", "team/b"]) {
      const store = await OciLayoutStore.open(join(dir, repo.replace("/", "-")), { create: true });
      await writeImage(store, await baseImage(repo), { tags: ["1"] });
      stores.set(repo, store);
    }
    stores.set("team/missing", await OciLayoutStore.open(join(dir, "team-missing"), { create: true }));
    await writeFile(
      join(dir, "Dockerfile"),
      `FROM ${H}/team/a:1\nFROM ${H}/team/b:1\nFROM ${H}/team/a:1\nFROM ${H}/team/missing:1\n`,
    );
    await writeFile(
      join(dir, "compose.yaml"),
      `services:\n  a:\n    image: ${H}/team/a:1\n  b:\n    image: \${B:-${H}/team/b:1}\n`,
    );
    files = await scanReferences([dir]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves each distinct reference once and reports the one that cannot be resolved", async () => {
    opened = [];
    const result = await resolveReferences(files, undefined, { open });
    assert.equal(result.resolutions, 3);
    assert.deepEqual(opened.sort(), [`${H}/team/a:1`, `${H}/team/b:1`, `${H}/team/missing:1`]);
    assert.deepEqual([...result.entries.keys()].sort(), [`${H}/team/a:1`, `${H}/team/b:1`]);
    assert.deepEqual([...result.failures.keys()], [`${H}/team/missing:1`]);
    assert.equal(result.entries.get(`${H}/team/a:1`)?.digest, (await baseImage("team/a")).root.digest);
    assert.deepEqual(
      result.entries.get(`${H}/team/a:1`)?.sources.map((s) => s.line),
      [1, 3, 3],
    );
  });

  it("reuses the lockfile: nothing is opened when every entry already answers", async () => {
    const first = await resolveReferences(files, undefined, { open });
    const lock: Lockfile = { lockfileVersion: 1, images: [...first.entries.values()] };
    opened = [];
    const again = await resolveReferences(
      files.map((f) => ({ ...f, pinnable: f.pinnable.filter((r) => !r.key.includes("missing")) })),
      lock,
      { open },
    );
    assert.deepEqual(opened, []);
    assert.equal(again.resolutions, 0);
    assert.deepEqual(
      [...again.entries.values()].map((e) => e.resolvedAt),
      [...first.entries.values()].map((e) => e.resolvedAt),
    );
  });

  it("--update re-resolves only what the pattern matches and explains the move", async () => {
    const known = files.map((f) => ({ ...f, pinnable: f.pinnable.filter((r) => !r.key.includes("missing")) }));
    const lock: Lockfile = {
      lockfileVersion: 1,
      images: [...(await resolveReferences(known, undefined, { open })).entries.values()],
    };
    const v2 = await baseImage("team/a", { arm64: "v2" });
    await writeImage(stores.get("team/a") as OciLayoutStore, v2, { tags: ["1"] });
    opened = [];
    const result = await resolveReferences(known, lock, { open, update: true, imagePattern: "team/a:*" });
    assert.deepEqual(opened, [`${H}/team/a:1`]);
    assert.equal(result.entries.get(`${H}/team/a:1`)?.digest, v2.root.digest);
    assert.deepEqual(
      result.changes.map((c) => [c.reference, c.to, c.summary]),
      [[`${H}/team/a:1`, v2.root.digest, ["linux/arm64/v8: config and 1 of 2 layers changed"]]],
    );
    const b = lock.images.find((e) => e.reference === `${H}/team/b:1`);
    assert.deepEqual(
      [result.entries.get(`${H}/team/b:1`)?.digest, result.entries.get(`${H}/team/b:1`)?.resolvedAt],
      [b?.digest, b?.resolvedAt],
    );
  });

  it("a reference already pinned is locked from its own digest, not from the tag", async () => {
    const old = await baseImage("team/b");
    const pinnedDir = await mkdtemp(join(tmpdir(), "dg-resolve-pinned-"));
    try {
      await writeImage(stores.get("team/b") as OciLayoutStore, await baseImage("team/b", { arm64: "moved" }), {
        tags: ["1"],
      });
      await writeFile(join(pinnedDir, "Dockerfile"), `FROM ${H}/team/b:1@${old.root.digest}\n`);
      const result = await resolveReferences(await scanReferences([pinnedDir]), undefined, {
        open,
        platform: { os: "linux", architecture: "arm64" },
      });
      assert.equal(result.resolutions, 0);
      const entry = result.entries.get(`${H}/team/b:1`);
      assert.equal(entry?.digest, platformDigest(old, "linux/arm64/v8"));
      assert.equal(entry?.platform, "linux/arm64/v8");
    } finally {
      await rm(pinnedDir, { recursive: true, force: true });
    }
  });
});
