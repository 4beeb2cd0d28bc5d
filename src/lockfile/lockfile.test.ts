import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { d, lockedImage, lockedPlatform, lockOf } from "../../test/support/lock-entries.js";
import { parseLockfile, readLockfile, serializeLockfile } from "./lockfile.js";
import type { Lockfile } from "./lockfile-schema.js";

const HOST = "127.0.0.1:5000";

function sample(): Lockfile {
  return lockOf([
    lockedImage(`${HOST}/team/zeta:1`, [lockedPlatform("linux/arm64", "z"), lockedPlatform("linux/amd64", "z")], {
      sources: [
        { file: "compose.yaml", line: 4, written: "zeta" },
        { file: "Dockerfile", line: 9, written: "zeta" },
        { file: "Dockerfile", line: 2, written: "zeta" },
      ],
    }),
    lockedImage(`${HOST}/team/tango:2`, [lockedPlatform("linux/amd64", "t")]),
    lockedImage(`${HOST}/team/alpha:3`, [lockedPlatform("linux/amd64", "a")], { platform: "linux/amd64" }),
    lockedImage(`${HOST}/team/alpha:3`, [lockedPlatform("linux/arm/v7", "a")], { platform: "linux/arm/v7" }),
  ]);
}

// A deterministic shuffle, so a failure is reproducible.
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// Same content, other array orders and other key orders in every object.
function scrambled(lock: Lockfile, seed: number): Lockfile {
  const reversedKeys = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
  const images = shuffled(lock.images, seed).map((image) =>
    reversedKeys({
      ...image,
      sources: shuffled(image.sources, seed + 1).map(reversedKeys),
      platforms: shuffled(image.platforms, seed + 2).map((p) =>
        reversedKeys({ ...p, layers: p.layers.map(reversedKeys) }),
      ),
    }),
  );
  return reversedKeys({ ...lock, images });
}

describe("serializeLockfile", () => {
  it("gives the same bytes for the same content in any order", () => {
    const expected = serializeLockfile(sample());
    for (let seed = 1; seed <= 20; seed++)
      assert.equal(serializeLockfile(scrambled(sample(), seed)), expected, `seed ${seed}`);
  });

  it("sorts images by reference then platform, sources by file then line, platforms by name; keeps layer order", () => {
    const lock = JSON.parse(serializeLockfile(sample())) as Lockfile;
    assert.deepEqual(
      lock.images.map((i) => `${i.reference} ${i.platform ?? ""}`.trim()),
      [
        `${HOST}/team/alpha:3 linux/amd64`,
        `${HOST}/team/alpha:3 linux/arm/v7`,
        `${HOST}/team/tango:2`,
        `${HOST}/team/zeta:1`,
      ],
    );
    const zeta = lock.images[3]!;
    assert.deepEqual(
      zeta.sources.map((s) => `${s.file}:${s.line}`),
      ["Dockerfile:2", "Dockerfile:9", "compose.yaml:4"],
    );
    assert.deepEqual(
      zeta.platforms.map((p) => p.platform),
      ["linux/amd64", "linux/arm64"],
    );
    assert.deepEqual(
      zeta.platforms[0]!.layers.map((l) => l.digest),
      [d("linux/amd64-z-layer0"), d("linux/amd64-z-layer1")],
    );
  });

  it("writes keys in one stable order, two-space indent and a final newline", () => {
    const text = serializeLockfile(sample());
    assert.ok(text.endsWith("}\n") && !text.endsWith("\n\n"));
    assert.match(text, /^\{\n {2}"lockfileVersion": 1,\n {2}"images": \[\n/);
    const image = JSON.parse(text).images[2] as object;
    assert.deepEqual(Object.keys(image), [
      "reference",
      "tag",
      "digest",
      "mediaType",
      "resolvedAt",
      "resolvedFrom",
      "sources",
      "platforms",
    ]);
  });

  it("does not depend on the machine's locale", async () => {
    // In Estonian collation "z" sorts before "t"; a lockfile must not.
    const dir = await mkdtemp(join(tmpdir(), "dg-lock-locale-"));
    try {
      const input = join(dir, "lock.json");
      await writeFile(input, JSON.stringify(sample()));
      const script = `import { readFileSync } from "node:fs"; import { serializeLockfile } from ${JSON.stringify(new URL("./lockfile.js", import.meta.url).href)};
        process.stdout.write(serializeLockfile(JSON.parse(readFileSync(${JSON.stringify(input)}, "utf8"))));`;
      for (const locale of ["et_EE.UTF-8", "lt_LT.UTF-8", "C"]) {
        const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          env: { ...process.env, LANG: locale, LC_ALL: locale },
          encoding: "utf8",
        });
        assert.equal(out, serializeLockfile(sample()), locale);
      }
      assert.ok(serializeLockfile(sample()).indexOf("team/tango") < serializeLockfile(sample()).indexOf("team/zeta"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("round-trips through parseLockfile", () => {
    const text = serializeLockfile(sample());
    assert.equal(serializeLockfile(parseLockfile(text, "digestguard.lock")), text);
  });
});

describe("parseLockfile", () => {
  const valid = () =>
    JSON.parse(serializeLockfile(sample())) as { images: Record<string, unknown>[] } & Record<string, unknown>;
  const rejects = (raw: unknown, pattern: RegExp) => {
    const text = typeof raw === "string" ? raw : JSON.stringify(raw);
    assert.throws(
      () => parseLockfile(text, "ci/digestguard.lock"),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError);
        assert.equal(error.code, "LOCKFILE_INVALID");
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /^Cannot read lockfile ci\/digestguard\.lock: /);
        assert.match(error.message, pattern);
        return true;
      },
    );
  };

  it("names the entry and field of a bad digest", () => {
    const lock = valid();
    (lock.images[1]!.platforms as { manifest: string }[])[0]!.manifest = "sha256:NOTHEX";
    rejects(
      lock,
      new RegExp(
        `images\\[1\\] \\(${HOST}/team/alpha:3\\)\\.platforms\\[0\\]\\.manifest: must be a sha256:/sha512: digest`,
      ),
    );
  });

  it("says when it is not JSON, with what to do", () => {
    rejects(
      '{ "lockfileVersion": 1, "images": [',
      /not valid JSON .*restore it from version control or run "digestguard pin"/,
    );
  });

  it("refuses unknown keys, at the top and inside an entry", () => {
    rejects({ ...valid(), extra: true }, /\(top level\): .*extra/);
    const lock = valid();
    lock.images[2]!.pinnedBy = "me";
    rejects(lock, new RegExp(`images\\[2\\] \\(${HOST}/team/tango:2\\): .*pinnedBy`));
  });

  it("refuses an unknown version, missing fields and bad types", () => {
    rejects({ ...valid(), lockfileVersion: 2 }, /lockfileVersion/);
    const noSources = valid();
    noSources.images[0]!.sources = [];
    rejects(noSources, /images\[0\] .*\.sources/);
    const badLine = valid();
    (badLine.images[3]!.sources as { line: unknown }[])[0]!.line = "2";
    rejects(badLine, /images\[3\] .*\.sources\[0\]\.line/);
    const badDate = valid();
    badDate.images[0]!.resolvedAt = "yesterday";
    rejects(badDate, /images\[0\] .*\.resolvedAt/);
    rejects([], /\(top level\)/);
    rejects("null", /\(top level\)/);
  });

  it("an entry without a string reference is still located by index", () => {
    const lock = valid();
    lock.images[0]!.reference = 42;
    rejects(lock, /images\[0\]\.reference/);
  });
});

describe("readLockfile", () => {
  it("is undefined when the file does not exist, and parses one that does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dg-lock-read-"));
    try {
      assert.equal(await readLockfile(join(dir, "digestguard.lock")), undefined);
      await writeFile(join(dir, "digestguard.lock"), serializeLockfile(sample()));
      assert.equal((await readLockfile(join(dir, "digestguard.lock")))?.images.length, 4);
      await assert.rejects(readLockfile(dir), { code: "IO" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
