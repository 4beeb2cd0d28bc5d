import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DigestguardError } from "../errors/error.js";
import { digestOf } from "../oci/digest.js";
import { HashWorkerPool } from "./hash-worker-pool.js";
import { proveLocalBlob } from "./local-blob-proof.js";

const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 253));
const layer = gzipSync(content);
const descriptor = { digest: digestOf(layer), size: layer.length };

describe("proveLocalBlob", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-local-proof-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, bytes: Uint8Array): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  }

  test("a right file is proven, and with deep its uncompressed digest comes too", async () => {
    const path = await file("right", layer);
    assert.deepEqual(await proveLocalBlob(path, descriptor), { size: layer.length });
    assert.deepEqual(await proveLocalBlob(path, descriptor, { deep: true }), {
      size: layer.length,
      uncompressedDigest: digestOf(content),
    });
  });

  test("a changed byte is a DIGEST_MISMATCH, a short file a SIZE_MISMATCH", async () => {
    const changed = Buffer.from(layer);
    const at = changed.length - 9;
    changed.writeUInt8(changed.readUInt8(at) ^ 1, at);
    await assert.rejects(
      proveLocalBlob(await file("changed", changed), descriptor),
      (e: DigestguardError) => e.code === "DIGEST_MISMATCH",
    );
    await assert.rejects(
      proveLocalBlob(await file("short", layer.subarray(1)), descriptor),
      (e: DigestguardError) => e.code === "SIZE_MISMATCH",
    );
  });

  test("a layer whose bytes are right but will not decompress is a DIFF_ID_MISMATCH under deep", async () => {
    const broken = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(64, 0xff)]);
    const path = await file("broken", broken);
    await assert.rejects(
      proveLocalBlob(path, { digest: digestOf(broken), size: broken.length }, { deep: true }),
      (e: DigestguardError) => e.code === "DIFF_ID_MISMATCH",
    );
  });

  test("a FIFO in the blob's place is refused at once, not hung on", async () => {
    const path = join(dir, "fifo");
    spawnSync("mkfifo", [path]);
    await assert.rejects(proveLocalBlob(path, descriptor), (e: DigestguardError) => e.code === "LAYOUT_INVALID");
  });

  test("a missing file is BLOB_UNKNOWN", async () => {
    await assert.rejects(
      proveLocalBlob(join(dir, "absent"), descriptor),
      (e: DigestguardError) => e.code === "BLOB_UNKNOWN",
    );
  });
});

describe("HashWorkerPool.warm", () => {
  test("starts every worker before the first file, and they hash as usual", async () => {
    const pool = new HashWorkerPool(2);
    try {
      assert.equal(pool.workers, 0);
      pool.warm();
      assert.equal(pool.workers, 2);
      const dir = await mkdtemp(join(tmpdir(), "dg-pool-warm-"));
      try {
        const path = join(dir, "blob");
        await writeFile(path, layer);
        const answers = await Promise.all([1, 2, 3].map(() => pool.hash({ path, algorithm: "sha256", deep: false })));
        for (const answer of answers) assert.deepEqual({ digest: answer.digest, size: answer.size }, descriptor);
        assert.equal(pool.workers, 2);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      await pool.close();
    }
  });
});
