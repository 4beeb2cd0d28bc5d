import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { isProcessAlive, withFileLock, type LockOwner } from "./file-lock.js";
import { tempFolders } from "../../test/support/temp-folders.js";

const tempFolder = tempFolders("lock");

async function lockPath(): Promise<string> {
  return join(await tempFolder(), "file.lock");
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid as number;
const writeOwner = (path: string, owner: Partial<LockOwner>): Promise<void> =>
  writeFile(
    path,
    JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAt: Date.now(), token: "held", ...owner }),
  );

describe("withFileLock", () => {
  it("lets one holder in at a time, so read-modify-write loses nothing", async () => {
    const path = await lockPath();
    const counter = join(path, "..", "counter");
    await writeFile(counter, "0");
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(path, async () => {
          const value = Number(await readFile(counter, "utf8"));
          await sleep(2);
          await writeFile(counter, String(value + 1));
        }),
      ),
    );
    assert.equal(await readFile(counter, "utf8"), "12");
    assert.equal(await exists(path), false, "released");
  });

  it("takes over a lock whose owner is dead on this host, at once", async () => {
    const path = await lockPath();
    const pid = deadPid();
    assert.equal(isProcessAlive(pid), false);
    await writeOwner(path, { pid });
    const started = Date.now();
    assert.equal(await withFileLock(path, async () => "ran", { maxWaitMs: 60_000 }), "ran");
    assert.ok(Date.now() - started < 30_000, "did not wait for a dead owner");
    assert.equal(await exists(path), false);
  });

  it("takes over a lock older than staleMs even when its owner may live (another host)", async () => {
    const path = await lockPath();
    await writeOwner(path, { hostname: "elsewhere.example", acquiredAt: Date.now() - 10 * 60_000 });
    assert.equal(await withFileLock(path, async () => "ran", { staleMs: 60_000, maxWaitMs: 60_000 }), "ran");
  });

  it("waits for a live owner and runs once it lets go", async () => {
    const path = await lockPath();
    await writeOwner(path, {});
    let releasedAt = 0;
    setTimeout(() => {
      releasedAt = Date.now();
      void rm(path);
    }, 300);
    const ranAt = await withFileLock(path, async () => Date.now(), { maxWaitMs: 60_000 });
    assert.ok(releasedAt > 0 && ranAt >= releasedAt, "ran only after the owner let go");
  });

  it("gives up on a live owner after maxWaitMs with an IO error naming it, and leaves its lock", async () => {
    const path = await lockPath();
    await writeOwner(path, {});
    await assert.rejects(
      withFileLock(path, async () => "never", { maxWaitMs: 150 }),
      (error: DigestguardError) => {
        assert.equal(error.code, "IO");
        assert.match(error.message, new RegExp(`^Cannot lock .*held by process ${process.pid} on `));
        return true;
      },
    );
    assert.equal(JSON.parse(await readFile(path, "utf8")).token, "held");
  });

  it("does not remove a lock someone else took over while fn ran", async () => {
    const path = await lockPath();
    await withFileLock(path, async () => writeOwner(path, { token: "newcomer" }));
    assert.equal(JSON.parse(await readFile(path, "utf8")).token, "newcomer");
  });

  it("stops waiting when the signal fires, with ABORTED", async () => {
    const path = await lockPath();
    await writeOwner(path, {});
    await assert.rejects(
      withFileLock(path, async () => "never", { signal: AbortSignal.timeout(100), maxWaitMs: 60_000 }),
      { code: "ABORTED" },
    );
  });
});
