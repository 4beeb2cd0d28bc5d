// `digestguard check` (shallow) of a lockfile with 50 pinned images in 10
// repositories on the real registry in token mode, against a shell loop of
// `skopeo inspect --raw docker://…@digest` over the same pinned images, in
// the same run, interleaved. Counts manifest requests (the registry's own
// access log) and token requests (the issuer's count) of each check.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../src/imagebuild/image.js";
import type { Lockfile } from "../src/lockfile/lockfile-schema.js";
import { cliFlagsFor } from "../test/support/client-for.js";
import { pushImage } from "../test/support/noise-image.js";
import { startRegistry } from "../test/support/registry.js";
import { skopeoRegistryFlags } from "../test/support/skopeo.js";
import { assertOk, median, timeCommand, writeFigures } from "./measure.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const REPOSITORIES = 10;
const TAGS = 5;
const registry = await startRegistry({ mode: "token" });
const project = await mkdtemp(join(tmpdir(), "dg-check-bench-"));
try {
  const lockfile = join(project, "digestguard.lock");
  await pinProject(await pushImages(), lockfile);
  const lock = JSON.parse(await readFile(lockfile, "utf8")) as Lockfile;
  const pinned = lock.images.map((image) => `${image.reference.replace(/:[^:/]+$/, "")}@${image.digest}`);
  const check = ["bin/digestguard.js", "check", "--lockfile", lockfile, ...cliFlagsFor(registry)];
  const flags = skopeoRegistryFlags(registry, "")
    .map((f) => `'${f}'`)
    .join(" ");
  const loop = `for r in ${pinned.join(" ")}; do skopeo inspect --raw ${flags} "docker://$r" >/dev/null || exit 1; done`;
  const ours: number[] = [];
  const theirs: number[] = [];
  let counts = { manifestRequests: 0, tokenRequests: 0, otherRequests: 0 };
  for (let run = 0; run < RUNS; run++) {
    const logBefore = (await registry.requestLog()).length;
    const tokensBefore = registry.tokenIssuer?.requestCount ?? 0;
    const dg = await timeCommand(process.execPath, check);
    assertOk(dg, "digestguard check");
    if (!dg.stdout.includes(`check: ${pinned.length} images — ${pinned.length} ok`))
      throw new Error(`check did not find every image ok:\n${dg.stdout}`);
    const log = (await registry.requestLog()).slice(logBefore);
    const manifests = log.filter((r) => /^\/v2\/.+\/manifests\//.test(r.uri)).length;
    counts = {
      manifestRequests: manifests,
      tokenRequests: (registry.tokenIssuer?.requestCount ?? 0) - tokensBefore,
      otherRequests: log.length - manifests,
    };
    ours.push(dg.ms);
    const sk = await timeCommand("bash", ["-c", loop], {
      env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
    });
    assertOk(sk, "skopeo loop");
    theirs.push(sk.ms);
  }
  const ratio = median(ours) / median(theirs);
  await writeFigures("check", {
    images: pinned.length,
    repositories: REPOSITORIES,
    runs: RUNS,
    ...counts,
    medianCheckMs: Math.round(median(ours)),
    medianSkopeoLoopMs: Math.round(median(theirs)),
    ratio: Number(ratio.toFixed(3)),
    target: `≤ 0.3, ≤ ${pinned.length} manifest requests, ≤ ${REPOSITORIES} token requests`,
    met: ratio <= 0.3 && counts.manifestRequests <= pinned.length && counts.tokenRequests <= REPOSITORIES,
  });
} finally {
  await registry.stop();
  await rm(project, { recursive: true, force: true });
}

// Two-platform images, so a shallow check that went below the index would show in the counts.
async function pushImages(): Promise<string[]> {
  const refs: string[] = [];
  for (let r = 0; r < REPOSITORIES; r++) {
    for (let t = 0; t < TAGS; t++) {
      const image = await buildImage({
        flavour: "oci",
        platforms: ["amd64", "arm64"].map((architecture) => ({
          os: "linux",
          architecture,
          layers: [[{ path: "etc/id", content: `repo${r} tag${t} ${architecture}\n` }]],
        })),
      });
      await pushImage(registry, `bench/repo${r}`, image, [`t${t}`]);
      refs.push(`${registry.host}/bench/repo${r}:t${t}`);
    }
  }
  return refs;
}

// The lockfile comes from digestguard pin itself, over one Dockerfile naming every image.
async function pinProject(refs: string[], lockfile: string): Promise<void> {
  await writeFile(join(project, "Dockerfile"), refs.map((ref, i) => `FROM ${ref} AS s${i}\n`).join(""));
  const pin = await timeCommand(process.execPath, [
    "bin/digestguard.js",
    "pin",
    "--lockfile",
    lockfile,
    ...cliFlagsFor(registry),
    project,
  ]);
  assertOk(pin, "digestguard pin");
}
