// Builds (once, cached under bench/out/big-image/) a ~500 MB image of five
// gzip layers with realistic, half-compressible content, and pushes it.
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import type { Descriptor } from "../src/oci/descriptor.js";
import { MediaType } from "../src/oci/media-types.js";
import { digestOf, type Digest } from "../src/oci/digest.js";
import type { RegistryClient } from "../src/registry/registry-client.js";

const DIR = "bench/out/big-image";
const LAYERS = 5;

/** One layer file on disk and its descriptor. */
export interface BigLayer {
  path: string;
  descriptor: Descriptor;
  diffId: Digest;
}

/** Build the layers if missing; each ~100 MB compressed (~200 MB uncompressed). */
export async function bigLayers(layerMiB = Number(process.env["BENCH_LAYER_MIB"] ?? 200)): Promise<BigLayer[]> {
  await mkdir(DIR, { recursive: true });
  const indexPath = `${DIR}/layers-${layerMiB}.json`;
  if (existsSync(indexPath)) return JSON.parse(await readFile(indexPath, "utf8")) as BigLayer[];
  const layers: BigLayer[] = [];
  for (let i = 0; i < LAYERS; i++) layers.push(await buildLayerFile(i, layerMiB));
  await writeFile(indexPath, JSON.stringify(layers));
  return layers;
}

async function buildLayerFile(index: number, mib: number): Promise<BigLayer> {
  const path = `${DIR}/layer-${mib}-${index}.tar.gz`;
  const size = mib * 1024 * 1024;
  const pack = tar.pack();
  const diff = createHash("sha256");
  const compressed = createHash("sha256");
  let compressedSize = 0;
  const hashTar = new Transform({
    transform(chunk: Buffer, _e, cb) {
      diff.update(chunk);
      cb(null, chunk);
    },
  });
  const hashGz = new Transform({
    transform(chunk: Buffer, _e, cb) {
      compressed.update(chunk);
      compressedSize += chunk.length;
      cb(null, chunk);
    },
  });
  const done = pipeline(pack, hashTar, createGzip({ level: 1 }), hashGz, createWriteStream(path));
  const entry = pack.entry({ name: `data/blob-${index}.bin`, size, mtime: new Date(0) });
  await pipeline(Readable.from(halfCompressible(size)), entry);
  pack.finalize();
  await done;
  return {
    path,
    descriptor: {
      mediaType: MediaType.ociLayerGzip,
      digest: `sha256:${compressed.digest("hex")}` as Digest,
      size: compressedSize,
    },
    diffId: `sha256:${diff.digest("hex")}` as Digest,
  };
}

// Half random, half repetitive text: compresses about 2:1 like a typical layer.
function* halfCompressible(size: number): Generator<Buffer> {
  const text = Buffer.from("usr/lib/x86_64-linux-gnu/libexample.so.1.2.3 ".repeat(1500)).subarray(0, 32 * 1024);
  for (let sent = 0; sent < size; sent += 64 * 1024) {
    const block = Buffer.concat([randomBytes(32 * 1024), text]).subarray(0, Math.min(64 * 1024, size - sent));
    yield block;
  }
}

/** Push the big image (config, layers, manifest) to `registry/repository:tag`. */
export async function pushBigImage(
  client: RegistryClient,
  repo: { registry: string; repository: string },
  layers: BigLayer[],
  tag: string,
): Promise<Descriptor> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "1970-01-01T00:00:00Z",
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      config: {},
    }),
  );
  const configDescriptor: Descriptor = {
    mediaType: MediaType.ociConfig,
    digest: digestOf(config),
    size: config.length,
  };
  await client.pushBlob(repo, configDescriptor, config);
  for (const layer of layers)
    await client.pushBlob(repo, layer.descriptor, createReadStream(layer.path, { highWaterMark: 1 << 20 }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: configDescriptor,
      layers: layers.map((l) => l.descriptor),
    }),
  );
  return client.pushManifest(repo, manifest, MediaType.ociManifest, { tag });
}
