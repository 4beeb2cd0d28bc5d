import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { serializeLockfile } from "../lockfile/lockfile.js";
import { lockedImage, lockedPlatform, lockOf } from "../../test/support/lock-entries.js";
import { readLockfileHistory } from "./lockfile-history.js";
import { previousPins } from "./previous-pins.js";

const REF = "127.0.0.1:5000/team/app:1";
const version = (seed: string) => serializeLockfile(lockOf([lockedImage(REF, [lockedPlatform("linux/amd64", seed)])]));
const digestOf = (seed: string) => lockedImage(REF, [lockedPlatform("linux/amd64", seed)]).digest;

const folders: string[] = [];
async function repo(): Promise<{ dir: string; commit(message: string, files: Record<string, string>): void }> {
  const dir = await mkdtemp(join(tmpdir(), "dg-lock-history-"));
  folders.push(dir);
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", ...args],
      { cwd: dir, stdio: "pipe" },
    );
  git("init", "-q");
  return {
    dir,
    commit(message, files) {
      for (const [name, text] of Object.entries(files))
        execFileSync("sh", ["-c", 'mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', "sh", join(dir, name), text]);
      git("add", "-A");
      git("commit", "-q", "-m", message);
    },
  };
}

describe("readLockfileHistory", () => {
  after(async () => Promise.all(folders.map((f) => rm(f, { recursive: true, force: true }))));

  it("reads each committed version, newest first, and previousPins skips the current digest", async () => {
    const r = await repo();
    r.commit("v1", { "digestguard.lock": version("v1") });
    r.commit("v2", { "digestguard.lock": version("v2") });
    r.commit("v3", { "digestguard.lock": version("v3") });
    const history = await readLockfileHistory(join(r.dir, "digestguard.lock"));
    assert.equal(history.unavailable, undefined);
    assert.equal(history.versions.length, 3);
    assert.deepEqual(
      history.versions.map((v) => v.lock.images[0]?.digest),
      [digestOf("v3"), digestOf("v2"), digestOf("v1")],
    );
    const pins = previousPins(history, "127.0.0.1:5000/team/app:1", digestOf("v3"), { max: 5 });
    assert.deepEqual(
      pins.map((p) => p.digest),
      [digestOf("v2"), digestOf("v1")],
    );
    assert.deepEqual(previousPins(history, "127.0.0.1:5000/team/app:2", undefined), [], "another tag is another pin");
  });

  it("reads at most maxCommits commits", async () => {
    const r = await repo();
    for (let i = 0; i < 6; i++) r.commit(`v${i}`, { "digestguard.lock": version(`v${i}`) });
    const history = await readLockfileHistory(join(r.dir, "digestguard.lock"), { maxCommits: 2 });
    assert.deepEqual(
      history.versions.map((v) => v.lock.images[0]?.digest),
      [digestOf("v5"), digestOf("v4")],
    );
  });

  it("follows a lockfile in a subfolder across a rename, and skips versions it cannot parse", async () => {
    const r = await repo();
    r.commit("v1", { "ci/old.lock": version("v1") });
    r.commit("broken", { "ci/old.lock": "{ not json" });
    execFileSync("git", ["mv", "ci/old.lock", "ci/digestguard.lock"], { cwd: r.dir });
    r.commit("rename", {});
    r.commit("v2", { "ci/digestguard.lock": version("v2") });
    const history = await readLockfileHistory(join(r.dir, "ci", "digestguard.lock"));
    assert.equal(history.skipped, 2, "the broken version, before and after the rename");
    assert.deepEqual(
      history.versions.map((v) => v.lock.images[0]?.digest),
      [digestOf("v2"), digestOf("v1")],
    );
  });

  it("says plainly when the lockfile is not in a git repository", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dg-no-repo-"));
    folders.push(dir);
    await writeFile(join(dir, "digestguard.lock"), version("v1"));
    const history = await readLockfileHistory(join(dir, "digestguard.lock"));
    assert.deepEqual(history.versions, []);
    assert.equal(history.unavailable, "the lockfile is not in a git repository");
  });

  it("has no versions, and no complaint, for a lockfile git never saw", async () => {
    const r = await repo();
    r.commit("other", { README: "x" });
    await mkdir(join(r.dir, "sub"));
    await writeFile(join(r.dir, "sub", "digestguard.lock"), version("v1"));
    const history = await readLockfileHistory(join(r.dir, "sub", "digestguard.lock"));
    assert.deepEqual(history, { versions: [], skipped: 0 });
  });

  it("says so when git is missing", async () => {
    const r = await repo();
    r.commit("v1", { "digestguard.lock": version("v1") });
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const history = await readLockfileHistory(join(r.dir, "digestguard.lock"));
      assert.equal(history.unavailable, "git is not installed or not on PATH");
    } finally {
      process.env.PATH = saved;
    }
  });
});
