import assert from "node:assert/strict";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { fileSystemError, writeFileAtomic, writeStreamAtomic } from "./atomic-file.js";
import { tempFolders } from "../../test/support/temp-folders.js";

const tempFolder = tempFolders("atomic");

/** A source that sends one chunk, then waits until destroyed. */
function stallingSource(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.from("first chunk"));
      }
    },
  });
}

describe("writeFileAtomic", () => {
  it("writes bytes and strings, replacing an existing file, and leaves no temp file", async () => {
    const folder = await tempFolder();
    const path = join(folder, "index.json");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, new TextEncoder().encode("new"));
    assert.equal(await readFile(path, "utf8"), "new");
    assert.deepEqual(await readdir(folder), ["index.json"]);
  });

  it("writes a stream", async () => {
    const folder = await tempFolder();
    const path = join(folder, "blob");
    await writeFileAtomic(path, Readable.from([Buffer.from("a"), Buffer.from("b")]));
    assert.equal(await readFile(path, "utf8"), "ab");
  });

  it("applies the mode", async () => {
    const folder = await tempFolder();
    const path = join(folder, "secret");
    await writeFileAtomic(path, "x", { mode: 0o600 });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it("refuses an already aborted signal without creating anything", async () => {
    const folder = await tempFolder();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(writeFileAtomic(join(folder, "f"), "x", { signal: controller.signal }), { code: "ABORTED" });
    assert.deepEqual(await readdir(folder), []);
  });

  it("reports a missing folder as IO with the path", async () => {
    const folder = await tempFolder();
    const path = join(folder, "missing", "f");
    await assert.rejects(writeFileAtomic(path, "x"), (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.equal(error.code, "IO");
      assert.match(error.message, /^Cannot write .*missing\/f: ENOENT/);
      return true;
    });
  });
});

describe("writeStreamAtomic", () => {
  it("keeps the old file and removes the temp file when verification fails", async () => {
    const folder = await tempFolder();
    const path = join(folder, "blob");
    await writeFile(path, "old");
    const refuse = new Transform({
      transform: (_chunk, _encoding, callback) =>
        callback(new DigestguardError("DIGEST_MISMATCH", "Cannot accept: bad bytes.")),
    });
    await assert.rejects(writeStreamAtomic(path, Readable.from([Buffer.from("bad")]), refuse), {
      code: "DIGEST_MISMATCH",
    });
    assert.equal(await readFile(path, "utf8"), "old");
    assert.deepEqual(await readdir(folder), ["blob"]);
  });

  it("removes the temp file when aborted mid-write", async () => {
    const folder = await tempFolder();
    const controller = new AbortController();
    const source = stallingSource();
    source.once("data", () => setImmediate(() => controller.abort()));
    const writing = writeStreamAtomic(join(folder, "blob"), source, undefined, { signal: controller.signal });
    await assert.rejects(writing, { code: "ABORTED" });
    assert.deepEqual(await readdir(folder), []);
  });

  it("removes the temp file when the source fails", async () => {
    const folder = await tempFolder();
    const source = new Readable({
      read() {
        this.destroy(new Error("connection reset"));
      },
    });
    await assert.rejects(writeStreamAtomic(join(folder, "blob"), source, undefined), { code: "IO" });
    assert.deepEqual(await readdir(folder), []);
  });
});

describe("fileSystemError", () => {
  it("names the action, path and errno, with a hint", () => {
    const cause = Object.assign(new Error("permission denied"), { code: "EACCES" });
    const error = fileSystemError("read", "/x/y", cause);
    assert.equal(error.code, "IO");
    assert.equal(error.message, "Cannot read /x/y: EACCES (permission denied); check the permissions of the folder.");
  });
});
