// dg mirror of the ~530 MB, 5-layer image (bench/big-image.ts) between two
// loopback registries and into an OCI layout, against skopeo copy of the same
// image to the same kinds of destination, in one run, interleaved, medians;
// plus the re-run with the destination complete (bytes moved, time) and peak RSS.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientFor } from "../test/support/client-for.js";
import { startRegistry } from "../test/support/registry.js";
import { checked, maxRssKb, median, round3, timedWithRss, writeFigures, type Timed } from "./measure.js";
import { bigLayers, pushBigImage } from "./big-image.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const source = await startRegistry({ mode: "http" });
const scratch = await mkdtemp(join(tmpdir(), "dg-mirror-bench-"));
try {
  const layers = await bigLayers();
  const client = clientFor(source);
  await pushBigImage(client, { registry: source.host, repository: "bench/big" }, layers, "1");
  await client.close();
  const ref = `${source.host}/bench/big:1`;
  const bytes = layers.reduce((sum, l) => sum + l.descriptor.size, 0);
  const dg = (args: string[]) => timedWithRss(["node", "bin/digestguard.js", ...args]);
  const skopeoCopy = (to: string, destTls: boolean) =>
    timedWithRss([
      "skopeo",
      "copy",
      "-q",
      "--src-tls-verify=false",
      ...(destTls ? ["--dest-tls-verify=false"] : []),
      `docker://${ref}`,
      to,
    ]);
  const runs = {
    mirror: [] as Timed[],
    skopeo: [] as Timed[],
    rerun: [] as Timed[],
    layout: [] as Timed[],
    skopeoLayout: [] as Timed[],
  };
  let rerunBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    // A fresh destination registry (on a new port) every run: skopeo remembers
    // where it put blobs (its blob-info cache, keyed by registry) and would
    // mount them from the previous run's repository instead of copying.
    const target = await startRegistry({ mode: "http" });
    runs.mirror.push(checked(await dg(["mirror", ref, `${target.host}/dg-${i}/big:1`]), "dg mirror"));
    runs.skopeo.push(
      checked(await skopeoCopy(`docker://${target.host}/skopeo-${i}/big:1`, true), "skopeo copy docker"),
    );
    const again = checked(await dg(["mirror", "--json", ref, `${target.host}/dg-${i}/big:1`]), "dg mirror re-run");
    rerunBytes += (JSON.parse(again.stdout) as { totals: { bytesUploaded: number } }).totals.bytesUploaded;
    runs.rerun.push(again);
    const ours = join(scratch, `dg-${i}`);
    const theirs = join(scratch, `skopeo-${i}`);
    runs.layout.push(checked(await dg(["mirror", ref, `oci:${ours}:1`]), "dg mirror to layout"));
    runs.skopeoLayout.push(checked(await skopeoCopy(`oci:${theirs}:1`, false), "skopeo copy oci"));
    await Promise.all([rm(ours, { recursive: true, force: true }), rm(theirs, { recursive: true, force: true })]);
    await target.stop();
  }
  const ms = (list: Timed[]) => median(list.map((t) => t.ms));
  const rssMB = (list: Timed[]) => Math.max(...list.map(maxRssKb)) / 1024;
  await writeFigures("mirror", {
    imageBytes: bytes,
    layers: layers.length,
    runs: RUNS,
    medianMs: {
      mirror: ms(runs.mirror),
      skopeoCopy: ms(runs.skopeo),
      rerun: ms(runs.rerun),
      mirrorToLayout: ms(runs.layout),
      skopeoCopyToLayout: ms(runs.skopeoLayout),
    },
    mirrorVsSkopeo: round3(ms(runs.mirror) / ms(runs.skopeo)),
    layoutVsSkopeo: round3(ms(runs.layout) / ms(runs.skopeoLayout)),
    rerunBlobBytesMoved: rerunBytes,
    peakRssMB: {
      mirror: round3(rssMB(runs.mirror)),
      mirrorToLayout: round3(rssMB(runs.layout)),
      skopeoCopy: round3(rssMB(runs.skopeo)),
    },
    targets: {
      mirrorVsSkopeo: "≤ 0.8",
      layoutVsSkopeo: "≤ 0.8",
      rerunMs: "≤ 500",
      rerunBlobBytesMoved: 0,
      peakRssMB: "≤ 200",
    },
  });
} finally {
  await source.stop();
  await rm(scratch, { recursive: true, force: true });
}
