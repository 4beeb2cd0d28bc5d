// `digestguard pin` of a tree of 40 Dockerfiles referencing 20 distinct
// images (10 repositories × 2 tags, two-platform indexes) on the real
// registry in token mode. Counts tag resolutions — manifest GETs and HEADs
// by tag in the registry's own access log — which must be exactly one per
// distinct reference, and reports the wall time of a first pin (fresh tree,
// no lockfile) and of a second pin (everything already locked).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../src/imagebuild/image.js";
import type { PinReport } from "../src/pin/pin-files.js";
import { cliFlagsFor } from "../test/support/client-for.js";
import { pushImage } from "../test/support/noise-image.js";
import { startRegistry, type RegistryRequest } from "../test/support/registry.js";
import { assertOk, median, timeCommand, writeFigures, type Timed } from "./measure.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const FILES = 40;
const registry = await startRegistry({ mode: "token" });
const scratch = await mkdtemp(join(tmpdir(), "dg-pin-bench-"));
try {
  const images = await pushImages();
  const first: number[] = [];
  const again: number[] = [];
  let counts = {
    tagResolutions: 0,
    manifestRequestsByDigest: 0,
    blobRequests: 0,
    tokenRequests: 0,
    reportedResolutions: 0,
    filesChanged: 0,
    referencesPinned: 0,
  };
  for (let run = 0; run < RUNS; run++) {
    const tree = join(scratch, `run${run}`);
    await writeTree(tree, images);
    const logBefore = (await registry.requestLog()).length;
    const tokensBefore = registry.tokenIssuer?.requestCount ?? 0;
    const pin = await pinTree(tree);
    const log = (await registry.requestLog()).slice(logBefore);
    const report = JSON.parse(pin.stdout) as PinReport;
    counts = {
      tagResolutions: log.filter(byTag).length,
      manifestRequestsByDigest: log.filter((r) => r.uri.includes("/manifests/sha256:")).length,
      blobRequests: log.filter((r) => r.uri.includes("/blobs/")).length,
      tokenRequests: (registry.tokenIssuer?.requestCount ?? 0) - tokensBefore,
      reportedResolutions: report.resolutions,
      filesChanged: report.filesChanged.length,
      referencesPinned: report.pins.filter((p) => p.changed).length,
    };
    if (counts.tagResolutions !== images.length || counts.filesChanged !== FILES)
      throw new Error(
        `pin resolved ${counts.tagResolutions} tags for ${images.length} images and changed ${counts.filesChanged} of ${FILES} files`,
      );
    first.push(pin.ms);
    const logAgain = (await registry.requestLog()).length;
    const second = await pinTree(tree);
    if ((await registry.requestLog()).slice(logAgain).some(byTag))
      throw new Error("the second pin resolved a tag again");
    again.push(second.ms);
  }
  await writeFigures("pin", {
    dockerfiles: FILES,
    distinctImages: images.length,
    runs: RUNS,
    ...counts,
    medianFirstPinMs: Math.round(median(first)),
    medianSecondPinMs: Math.round(median(again)),
    target: `exactly ${images.length} tag resolutions`,
    met: counts.tagResolutions === images.length && counts.reportedResolutions === images.length,
  });
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}

function byTag(request: RegistryRequest): boolean {
  return (
    /^\/v2\/.+\/manifests\/(?!sha256:|sha512:)[^/]+$/.test(request.uri) &&
    (request.method === "GET" || request.method === "HEAD")
  );
}

async function pinTree(tree: string): Promise<Timed> {
  const pin = await timeCommand(process.execPath, [
    "bin/digestguard.js",
    "pin",
    "--json",
    "--lockfile",
    join(tree, "digestguard.lock"),
    ...cliFlagsFor(registry),
    tree,
  ]);
  assertOk(pin, "digestguard pin");
  return pin;
}

async function pushImages(): Promise<string[]> {
  const refs: string[] = [];
  for (let r = 0; r < 10; r++) {
    for (const tag of ["1", "2"]) {
      const image = await buildImage({
        flavour: "oci",
        platforms: ["amd64", "arm64"].map((architecture) => ({
          os: "linux",
          architecture,
          layers: [[{ path: "etc/id", content: `repo${r}:${tag} ${architecture}\n` }]],
        })),
      });
      await pushImage(registry, `bench/repo${r}`, image, [tag]);
      refs.push(`${registry.host}/bench/repo${r}:${tag}`);
    }
  }
  return refs;
}

// 40 multi-stage Dockerfiles in nested folders; every image is named by several of them.
async function writeTree(tree: string, images: string[]): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    const dir = join(tree, `group${i % 4}`, `service${i}`);
    await mkdir(dir, { recursive: true });
    const [base, tools, extra] = [i % images.length, (i * 7 + 3) % images.length, (i + 11) % images.length].map(
      (n) => images[n] as string,
    );
    await writeFile(
      join(dir, i % 5 === 0 ? "Containerfile" : "Dockerfile"),
      [
        `ARG BASE=${base}`,
        `FROM ${tools} AS tools`,
        "RUN make tools",
        "FROM ${BASE} AS build",
        `COPY --from=${extra} /etc/id /extra-id`,
        "COPY --from=tools /out /tools",
        "FROM build",
        "",
      ].join("\n"),
    );
  }
}
