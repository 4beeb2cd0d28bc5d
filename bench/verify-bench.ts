// verify / verify --deep of a ~500 MB, 5-layer gzip image on the loopback
// registry against `skopeo copy docker://… oci:DIR` of the same image, the
// hashing limit (`openssl dgst -sha256` over the same bytes), peak RSS, and
// re-verification from a warm cache — all in one run, interleaved, medians.
import { mkdtemp, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientFor } from "../test/support/client-for.js";
import { startRegistry } from "../test/support/registry.js";
import { assertOk, median, timeCommand, writeFigures, type Timed } from "./measure.js";
import { bigLayers, pushBigImage } from "./big-image.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const registry = await startRegistry({ mode: "http" });
const scratch = await mkdtemp(join(tmpdir(), "dg-verify-bench-"));
try {
  const layers = await bigLayers();
  const client = clientFor(registry);
  await pushBigImage(client, { registry: registry.host, repository: "bench/big" }, layers, "1");
  await client.close();
  const ref = `${registry.host}/bench/big:1`;
  const bytes = layers.reduce((sum, l) => sum + l.descriptor.size, 0);
  const dg = (args: string[]) => timed(["node", "bin/digestguard.js", ...args]);
  const cacheDir = join(scratch, "cache");
  assertOk(await dg(["verify", "-q", "--cache", "--cache-dir", cacheDir, ref]), "verify --cache");
  const cachedFiles = (await readdir(join(cacheDir, "blobs/sha256"))).map((f) => join(cacheDir, "blobs/sha256", f));

  const runs = { verify: [] as Timed[], deep: [] as Timed[], skopeo: [] as Timed[], openssl: [] as Timed[], offline: [] as Timed[], opensslCache: [] as Timed[] };
  for (let i = 0; i < RUNS; i++) {
    runs.verify.push(checked(await dg(["verify", "-q", ref]), "verify"));
    const out = join(scratch, `skopeo-${i}`);
    runs.skopeo.push(checked(await timed(["skopeo", "copy", "-q", "--src-tls-verify=false", `docker://${ref}`, `oci:${out}:1`]), "skopeo copy"));
    await rm(out, { recursive: true, force: true });
    runs.deep.push(checked(await dg(["verify", "-q", "--deep", ref]), "verify --deep"));
    runs.openssl.push(checked(await timed(["openssl", "dgst", "-sha256", ...layers.map((l) => l.path)]), "openssl"));
    runs.offline.push(checked(await dg(["verify", "-q", "--offline", "--cache-dir", cacheDir, ref]), "verify --offline"));
    runs.opensslCache.push(checked(await timed(["openssl", "dgst", "-sha256", ...cachedFiles]), "openssl over cache"));
  }
  const ms = (list: Timed[]) => median(list.map((t) => t.ms));
  const rssMB = (list: Timed[]) => Math.max(...list.map(maxRssKb)) / 1024;
  await writeFigures("verify", {
    imageBytes: bytes, layers: layers.length, runs: RUNS,
    medianMs: { verify: ms(runs.verify), verifyDeep: ms(runs.deep), skopeoCopy: ms(runs.skopeo), opensslLayers: ms(runs.openssl), verifyOffline: ms(runs.offline), opensslCache: ms(runs.opensslCache) },
    verifyVsSkopeo: round(ms(runs.verify) / ms(runs.skopeo)),
    deepVsSkopeo: round(ms(runs.deep) / ms(runs.skopeo)),
    verifyThroughputVsOpenssl: round(ms(runs.openssl) / ms(runs.verify)),
    peakRssMB: { verify: round(rssMB(runs.verify)), verifyDeep: round(rssMB(runs.deep)), verifyOffline: round(rssMB(runs.offline)) },
    warmCacheThroughputVsOpenssl: round(ms(runs.opensslCache) / ms(runs.offline)),
    targets: { verifyVsSkopeo: "≤ 0.6", deepVsSkopeo: "≤ 1.6", peakRssDeepMB: "≤ 200", warmCacheVsOpenssl: "≥ 0.7" },
  });
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}

function timed(argv: string[]): Promise<Timed> {
  return timeCommand("/usr/bin/time", ["-f", "maxrss-kb=%M", ...argv]);
}

function checked(result: Timed, what: string): Timed {
  assertOk(result, what);
  return result;
}

function maxRssKb(result: Timed): number {
  return Number(/maxrss-kb=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
