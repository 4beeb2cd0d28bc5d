// watch's figures on the loopback registry in token mode:
// 1. one `dg watch --once` cycle over 1,000 tags in 100 repositories, nothing
//    changed: HEADs per tag and token requests per repository, counted in the
//    registry's access log and the token issuer's record, and the wall time;
// 2. the long-lived watch's RSS after several cycles over the same tags;
// 3. `dg history --at` on a tag with 10,000 observations (in-process query and CLI).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteHistoryStore } from "../src/history/sqlite-history-store.js";
import { buildImage } from "../src/imagebuild/image.js";
import { cliFlagsFor } from "../test/support/client-for.js";
import { pushImage } from "../test/support/noise-image.js";
import { startRegistry } from "../test/support/registry.js";
import { assertOk, median, timeCommand, timeHistoryAt, writeFigures } from "./measure.js";

const REPOS = 100;
const TAGS = 10;
const BIN = join(import.meta.dirname, "../../bin/digestguard.js");
const registry = await startRegistry({ mode: "token" });
const dir = await mkdtemp(join(tmpdir(), "dg-watch-bench-"));
try {
  const image = await buildImage({
    flavour: "oci",
    platforms: ["amd64", "arm64"].map((architecture) => ({
      os: "linux",
      architecture,
      layers: [[{ path: "etc/id", content: `${architecture}\n` }]],
    })),
  });
  const tags = Array.from({ length: TAGS }, (_, t) => `t${t}`);
  for (let r = 0; r < REPOS; r++) await pushImage(registry, `bench/r${r}`, image, tags);
  const images = Array.from(
    { length: REPOS * TAGS },
    (_, i) => `${registry.host}/bench/r${Math.floor(i / TAGS)}:t${i % TAGS}`,
  );
  await writeFile(
    join(dir, "digestguard.yaml"),
    `version: 1\nwatch:\n  version: 1\n  lockfile: false\n  database: history.sqlite\n  schedule: "*/3 * * * * *"\n  perRegistry: { concurrency: 16 }\n  images:\n${images.map((i) => `    - ${i}\n`).join("")}`,
  );
  const flags = cliFlagsFor(registry);
  const once = () => timeCommand(process.execPath, [BIN, "watch", "--once", "--json", ...flags], { cwd: dir });
  assertOk(await once(), "baseline cycle");

  const cycles = [];
  for (let round = 0; round < 3; round++) {
    const logBefore = (await registry.requestLog()).length;
    const tokensBefore = registry.tokenIssuer?.requests.length ?? 0;
    const run = await once();
    assertOk(run, "steady cycle");
    const requests = (await registry.requestLog()).slice(logBefore);
    cycles.push({
      ms: run.ms,
      heads: requests.filter((r) => r.method === "HEAD" && r.uri.includes("/manifests/") && r.status === 200).length,
      gets: requests.filter((r) => r.method === "GET" && r.uri.includes("/manifests/")).length,
      unauthorized: requests.filter((r) => r.status === 401).length,
      tokenRequests: (registry.tokenIssuer?.requests.length ?? 0) - tokensBefore,
      events: (JSON.parse(run.stdout) as { events: unknown[] }).events.length,
    });
  }
  const rss = await serviceRss(flags);
  const at = await historyAt();
  const figures = {
    tags: REPOS * TAGS,
    repositories: REPOS,
    steadyCycle: {
      medianSeconds: Number((median(cycles.map((c) => c.ms)) / 1000).toFixed(2)),
      cycles,
      headsPerTag: cycles.map((c) => c.heads / (REPOS * TAGS)),
      tokenRequestsPerRepository: cycles.map((c) => c.tokenRequests / REPOS),
    },
    service: rss,
    historyAt: at,
  };
  await writeFigures("watch", figures);
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await registry.stop();
  await rm(dir, { recursive: true, force: true });
}

// The service for ~15 s (a cycle every 3 s), RSS read from /proc, then SIGTERM: it must exit 0.
async function serviceRss(flags: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [BIN, "watch", "--log-format", "json", ...flags], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (c: Buffer) => void (log += c.toString()));
  const samples: number[] = [];
  for (let s = 0; s < 15; s++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
  }
  const peak = Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${child.pid}/status`, "utf8"))?.[1]) / 1024;
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const stopAt = Date.now();
  child.kill("SIGTERM");
  const exitCode = await exited;
  const cyclesDone = log.split("\n").filter((l) => l.includes('"cycle done"')).length;
  return {
    cycles: cyclesDone,
    rssMbLast: Number(samples.at(-1)?.toFixed(1)),
    rssMbMax: Number(Math.max(...samples).toFixed(1)),
    peakRssMb: Number(peak.toFixed(1)),
    exitCodeOnSigterm: exitCode,
    stopMs: Date.now() - stopAt,
  };
}

async function historyAt(): Promise<Record<string, unknown>> {
  const path = join(dir, "at.sqlite");
  const history = SqliteHistoryStore.open(path);
  const reference = "bench.example/app:1";
  const start = Date.parse("2020-01-01T00:00:00Z");
  for (let i = 0; i < 10_000; i++) {
    const at = new Date(start + i * 3_600_000).toISOString();
    await history.recordCheck({
      reference,
      at,
      sighting: { digest: `sha256:${(i % 2 === 0 ? "a" : "b").repeat(63)}${i % 10}`, platforms: [] },
      events: [],
      notifyTo: () => [],
    });
  }
  const queries: number[] = [];
  for (let q = 0; q < 50; q++) {
    const t = new Date(start + Math.random() * 10_000 * 3_600_000).toISOString();
    const began = performance.now();
    await history.observationAt(reference, t);
    queries.push(performance.now() - began);
  }
  await history.close();
  const cli = await timeHistoryAt(BIN, reference, "2020-06-01T12:00Z", path);
  return {
    observations: 10_000,
    queryMedianMs: Number(median(queries).toFixed(3)),
    queryMaxMs: Number(Math.max(...queries).toFixed(3)),
    cliMedianMs: Number(median(cli).toFixed(0)),
  };
}
