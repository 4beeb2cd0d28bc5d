// verify / verify --deep / verify --offline of a ~530 MB, 5-layer gzip image
// on the loopback registry, each against the shell pipeline that does the
// same work with the same parallelism (bench/peer-pipelines.ts), plus
// `skopeo copy docker://… oci:DIR` and peak RSS — all in one run,
// interleaved, medians.
import { mkdtemp, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientFor } from "../test/support/client-for.js";
import { startRegistry } from "../test/support/registry.js";
import { assertOk, checked, maxRssKb, median, round3, timedWithRss, writeFigures, type Timed } from "./measure.js";
import { bigLayers, pushBigImage } from "./big-image.js";
import { curlDeepPipeline, curlOpensslPipeline, parallelOpenssl } from "./peer-pipelines.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const registry = await startRegistry({ mode: "http" });
const scratch = await mkdtemp(join(tmpdir(), "dg-verify-bench-"));
try {
  const layers = await bigLayers();
  const client = clientFor(registry);
  await pushBigImage(client, { registry: registry.host, repository: "bench/big" }, layers, "1");
  await client.close();
  const ref = `${registry.host}/bench/big:1`;
  const urls = layers.map((l) => `${registry.url}/v2/bench/big/blobs/${l.descriptor.digest}`);
  const bytes = layers.reduce((sum, l) => sum + l.descriptor.size, 0);
  const dg = (args: string[]) => timedWithRss(["node", "bin/digestguard.js", ...args]);
  const cacheDir = join(scratch, "cache");
  assertOk(await dg(["verify", "-q", "--cache", "--cache-dir", cacheDir, ref]), "verify --cache");
  const cachedFiles = (await readdir(join(cacheDir, "blobs/sha256"))).map((f) => join(cacheDir, "blobs/sha256", f));

  const runs = {
    verify: [] as Timed[],
    fetchHash: [] as Timed[],
    deep: [] as Timed[],
    fetchInflateHash: [] as Timed[],
    skopeo: [] as Timed[],
    offline: [] as Timed[],
    opensslCache: [] as Timed[],
  };
  for (let i = 0; i < RUNS; i++) {
    runs.verify.push(checked(await dg(["verify", "-q", ref]), "verify"));
    runs.fetchHash.push(checked(await timedWithRss(curlOpensslPipeline(urls)), "curl | openssl"));
    runs.deep.push(checked(await dg(["verify", "-q", "--deep", ref]), "verify --deep"));
    runs.fetchInflateHash.push(checked(await timedWithRss(curlDeepPipeline(urls)), "curl | tee | gzip -dc | openssl"));
    runs.offline.push(
      checked(await dg(["verify", "-q", "--offline", "--cache-dir", cacheDir, ref]), "verify --offline"),
    );
    runs.opensslCache.push(checked(await timedWithRss(parallelOpenssl(cachedFiles)), "openssl over cache"));
    const out = join(scratch, `skopeo-${i}`);
    runs.skopeo.push(
      checked(
        await timedWithRss(["skopeo", "copy", "-q", "--src-tls-verify=false", `docker://${ref}`, `oci:${out}:1`]),
        "skopeo copy",
      ),
    );
    await rm(out, { recursive: true, force: true });
  }
  const ms = (list: Timed[]) => round3(median(list.map((t) => t.ms)));
  const rssMB = (list: Timed[]) => round3(Math.max(...list.map(maxRssKb)) / 1024);
  const ratios = {
    verifyVsCurlOpenssl: round3(ms(runs.verify) / ms(runs.fetchHash)),
    deepVsCurlGunzipOpenssl: round3(ms(runs.deep) / ms(runs.fetchInflateHash)),
    warmCacheSpeedVsParallelOpenssl: round3(ms(runs.opensslCache) / ms(runs.offline)),
    verifyVsSkopeo: round3(ms(runs.verify) / ms(runs.skopeo)),
    deepVsSkopeo: round3(ms(runs.deep) / ms(runs.skopeo)),
  };
  const peakRssMB = { verify: rssMB(runs.verify), verifyDeep: rssMB(runs.deep), verifyOffline: rssMB(runs.offline) };
  await writeFigures("verify", {
    imageBytes: bytes,
    layers: layers.length,
    runs: RUNS,
    medianMs: {
      verify: ms(runs.verify),
      curlOpenssl: ms(runs.fetchHash),
      verifyDeep: ms(runs.deep),
      curlTeeGunzipOpenssl: ms(runs.fetchInflateHash),
      verifyOffline: ms(runs.offline),
      parallelOpensslCache: ms(runs.opensslCache),
      skopeoCopy: ms(runs.skopeo),
    },
    ...ratios,
    peakRssMB,
    targets: {
      verifyVsCurlOpenssl: "≤ 1.25",
      deepVsCurlGunzipOpenssl: "≤ 1.0",
      warmCacheSpeedVsParallelOpenssl: "≥ 0.7",
      peakRssDeepMB: "≤ 200",
    },
    met: {
      verify: ratios.verifyVsCurlOpenssl <= 1.25,
      deep: ratios.deepVsCurlGunzipOpenssl <= 1.0 && peakRssMB.verifyDeep <= 200,
      warmCache: ratios.warmCacheSpeedVsParallelOpenssl >= 0.7,
    },
  });
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}
