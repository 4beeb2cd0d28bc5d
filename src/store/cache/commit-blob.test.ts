import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestOf } from "../../oci/digest.js";
import { commitBlob } from "./commit-blob.js";

const folders: string[] = [];
after(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const bytes = Buffer.from("the proven content of one blob\n");
const descriptor = { digest: digestOf(bytes), size: bytes.length };
const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

async function paths(): Promise<{ partial: string; final: string }> {
  const folder = await mkdtemp(join(tmpdir(), "dg-commit-"));
  folders.push(folder);
  const partial = join(folder, "blob.partial");
  await writeFile(partial, bytes);
  return { partial, final: join(folder, "blob") };
}

describe("commitBlob", () => {
  test("puts the partial in place and removes its name", async () => {
    const { partial, final } = await paths();
    await commitBlob(partial, final, descriptor);
    assert.deepEqual(await readFile(final), bytes);
    assert.equal(await exists(partial), false);
  });

  test("keeps a good blob another process committed first, and drops its own", async () => {
    const { partial, final } = await paths();
    await writeFile(final, bytes);
    const before = (await stat(final)).ino;
    await commitBlob(partial, final, descriptor);
    assert.equal((await stat(final)).ino, before, "the existing file was not replaced");
    assert.equal(await exists(partial), false);
  });

  test("replaces a damaged blob found under the name", async () => {
    const { partial, final } = await paths();
    await writeFile(final, Buffer.concat([bytes, bytes]));
    await commitBlob(partial, final, descriptor);
    assert.deepEqual(await readFile(final), bytes);
    assert.equal(await exists(partial), false);
  });
});
