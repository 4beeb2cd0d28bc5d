import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { writeImage } from "../../src/imagebuild/write-image.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import { OciLayoutStore } from "../../src/store/oci-layout.js";
import { noiseBytes } from "./noise-image.js";

/** An OCI layout holding one small image, and its biggest layer. */
export interface LayoutFixture {
  dir: string;
  store: OciLayoutStore;
  image: BuiltImage;
  layer: { descriptor: Descriptor; bytes: Buffer };
  cleanup(): Promise<void>;
}

/**
 * A fresh OCI image layout with one single-platform image tagged `1.0`:
 * a small text layer and an incompressible one of about `noiseSize` bytes.
 * The source the cache's unit tests ingest from.
 *
 * @example
 * ```ts
 * const fixture = await layoutFixture("ingest", 32 * 1024);
 * await cache.ingest(fixture.store, fixture.layer.descriptor);
 * ```
 */
export async function layoutFixture(seed: string, noiseSize: number): Promise<LayoutFixture> {
  const dir = await mkdtemp(join(tmpdir(), `digestguard-layout-${seed}-`));
  const store = await OciLayoutStore.open(join(dir, "layout"), { create: true });
  const image = await buildImage({
    flavour: "oci",
    platforms: [
      {
        os: "linux",
        architecture: "amd64",
        layers: [
          [{ path: "etc/seed", content: `${seed}\n` }],
          [{ path: "data.bin", content: noiseBytes(seed, noiseSize) }],
        ],
      },
    ],
  });
  await writeImage(store, image, { tags: ["1.0"] });
  const biggest = image.blobs.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
  return {
    dir,
    store,
    image,
    layer: { descriptor: biggest.descriptor, bytes: Buffer.from(biggest.bytes) },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
