// `digestguard digest` over 100 references (10 repositories × 10 tags) on the
// real registry in token mode, against a shell loop of `skopeo inspect --raw`
// over the same references, in the same run. Counts manifest requests (from
// the registry's own access log) and token requests (from the issuer).
import { buildImage } from "../src/imagebuild/image.js";
import { writeImage } from "../src/imagebuild/write-image.js";
import { RegistryStore } from "../src/store/registry-store.js";
import { clientFor, cliFlagsFor } from "../test/support/client-for.js";
import { startRegistry } from "../test/support/registry.js";
import { skopeoRegistryFlags } from "../test/support/skopeo.js";
import { assertOk, median, timeCommand, writeFigures } from "./measure.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const registry = await startRegistry({ mode: "token" });
try {
  const refs = await pushImages();
  const ours: number[] = [];
  const theirs: number[] = [];
  let counts = { manifestRequests: 0, tokenRequests: 0 };
  for (let run = 0; run < RUNS; run++) {
    const logBefore = (await registry.requestLog()).length;
    const tokensBefore = registry.tokenIssuer?.requestCount ?? 0;
    const dg = await timeCommand(process.execPath, ["bin/digestguard.js", "digest", ...cliFlagsFor(registry), ...refs]);
    assertOk(dg, "digestguard digest");
    const log = (await registry.requestLog()).slice(logBefore);
    counts = {
      manifestRequests: log.filter((r) => /^\/v2\/.+\/manifests\//.test(r.uri)).length,
      tokenRequests: (registry.tokenIssuer?.requestCount ?? 0) - tokensBefore,
    };
    ours.push(dg.ms);
    const flags = skopeoRegistryFlags(registry, "")
      .map((f) => `'${f}'`)
      .join(" ");
    const loop = `for r in ${refs.join(" ")}; do skopeo inspect --raw ${flags} "docker://$r" >/dev/null || exit 1; done`;
    const sk = await timeCommand("bash", ["-c", loop], {
      env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
    });
    assertOk(sk, "skopeo loop");
    theirs.push(sk.ms);
  }
  const ratio = median(ours) / median(theirs);
  await writeFigures("digest", {
    references: refs.length,
    repositories: 10,
    runs: RUNS,
    ...counts,
    medianDigestguardMs: Math.round(median(ours)),
    medianSkopeoLoopMs: Math.round(median(theirs)),
    ratio: Number(ratio.toFixed(3)),
    target: "≤ 0.35, ≤ 100 manifest requests, ≤ 10 token requests",
    met: ratio <= 0.35 && counts.manifestRequests <= refs.length && counts.tokenRequests <= 10,
  });
} finally {
  await registry.stop();
}

async function pushImages(): Promise<string[]> {
  const client = clientFor(registry);
  const refs: string[] = [];
  try {
    for (let r = 0; r < 10; r++) {
      const store = new RegistryStore(client, { registry: registry.host, repository: `bench/repo${r}` });
      for (let t = 0; t < 10; t++) {
        const image = await buildImage({
          flavour: "oci",
          platforms: [
            { os: "linux", architecture: "amd64", layers: [[{ path: "etc/id", content: `repo${r} tag${t}\n` }]] },
          ],
        });
        await writeImage(store, image, { tags: [`t${t}`] });
        refs.push(`${registry.host}/bench/repo${r}:t${t}`);
      }
    }
  } finally {
    await client.close();
  }
  return refs;
}
