import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { DigestguardError } from "../errors/error.js";
import { digestOf, EMPTY_SHA256 } from "../oci/digest.js";
import { detectCompression, uncompressedDigest } from "./uncompressed-digest.js";

// More than one 1 MiB read, and compressible, so decompressors work across pieces.
const tar = Buffer.from(Array.from({ length: 120_000 }, (_, i) => `entry ${i} ${(i * 7919) % 1000}\n`).join(""));
const zstdAvailable = existsSync("/usr/bin/zstd");

function inPieces(bytes: Uint8Array, size = 64 * 1024, end?: Error): Readable {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield Buffer.from(bytes.subarray(at, at + size));
    if (end !== undefined) throw end;
  }
  return Readable.from(pieces(), { objectMode: false });
}

describe("detectCompression", () => {
  for (const [name, head, expected] of [
    ["gzip magic", [0x1f, 0x8b, 8, 0], "gzip"],
    ["zstd magic", [0x28, 0xb5, 0x2f, 0xfd, 0], "zstd"],
    ["a tar header", [...Buffer.from("etc/")], "none"],
    ["nothing", [], "none"],
    ["half a gzip magic", [0x1f], "none"],
  ] as const) {
    test(name, () => assert.equal(detectCompression(new Uint8Array(head)), expected));
  }
});

describe("uncompressedDigest", () => {
  test("gzip, zstd (from the zstd program) and plain tar give the tar's digest", async (t) => {
    const forms: [Uint8Array, string][] = [
      [gzipSync(tar, { level: 1 }), "gzip"],
      [tar, "none"],
    ];
    if (zstdAvailable) forms.push([execFileSync("zstd", ["-q", "-c", "-3"], { input: tar }), "zstd"]);
    else t.diagnostic("zstd not installed: the zstd form is not checked");
    for (const [bytes, compression] of forms) {
      assert.deepEqual(await uncompressedDigest(inPieces(bytes)), { digest: digestOf(tar), compression }, compression);
    }
  });

  test("an empty blob has the digest of zero bytes", async () => {
    assert.deepEqual(await uncompressedDigest(Readable.from([])), { digest: EMPTY_SHA256, compression: "none" });
  });

  test("bytes that do not decompress, in a blob that verifies: DIFF_ID_MISMATCH naming the compression", async () => {
    const gz = gzipSync(tar);
    const broken: [Uint8Array, string][] = [
      [gz.subarray(0, gz.length - 100), "gzip"],
      [Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(300_000, 0x41)]), "zstd"],
    ];
    for (const [bytes, compression] of broken) {
      await assert.rejects(uncompressedDigest(inPieces(bytes)), (error: DigestguardError) => {
        assert.equal(error.code, "DIFF_ID_MISMATCH");
        assert.equal(error.details["compression"], compression);
        assert.match(error.message, /^Cannot decompress the layer/);
        return true;
      });
    }
  });

  test("when the source's own check fails at its end, that error wins over the decompressor's", async () => {
    const mismatch = new DigestguardError("DIGEST_MISMATCH", "Cannot accept blob: content differs.");
    const gz = Buffer.from(gzipSync(tar));
    gz[100] = (gz[100] as number) ^ 0xff; // breaks the deflate stream early, long before the end
    for (const bytes of [gz, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(2_000_000, 0x41)])]) {
      await assert.rejects(
        uncompressedDigest(inPieces(bytes, 64 * 1024, mismatch)),
        (error: unknown) => error === mismatch,
      );
    }
  });
});
