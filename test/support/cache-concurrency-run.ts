import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { pushImage } from "./noise-image.js";
import type { RunningRegistry } from "./registry.js";
import { runCli } from "./run-cli.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));

/** One image the concurrent runs verify, pushed to `repository`. */
export interface ConcurrencyImage {
  repository: string;
  image: BuiltImage;
}

/** What {@link runCacheConcurrency} counted. */
export interface ConcurrencyFigures {
  rounds: number;
  processes: number;
  runs: number;
  killed: number;
  succeeded: number;
  /** Runs that were not killed and still did not exit 0 (must be none). */
  failed: { args: string[]; exitCode: number | string; stderr: string }[];
  blobsChecked: number;
  /** Blob files whose bytes do not hash to their name, or whose size is not the pushed size. */
  corruptBlobs: string[];
  /** `cache verify` quarantined this many. */
  quarantinedByCacheVerify: number;
  /** Successful runs whose `registry/repo:tag` is missing from (or wrong in) refs.json. */
  lostRefs: string[];
}

/** Options for {@link runCacheConcurrency}. */
export interface ConcurrencyOptions {
  registry: RunningRegistry;
  images: ConcurrencyImage[];
  cacheDir: string;
  rounds: number;
  processes: number;
}

interface Outcome {
  args: string[];
  ref: string;
  digest: string;
  killed: boolean;
  exitCode: number | string;
  stderr: string;
}

const tagOf = (round: number, proc: number): string => `r${round}p${proc}`;

/**
 * Push every image under one tag per (round, process) it will be verified
 * as, so every run writes its own refs.json key and a lost update shows.
 *
 * @example
 * ```ts
 * await pushConcurrencyImages(registry, images, { rounds: 5, processes: 8 });
 * ```
 */
export async function pushConcurrencyImages(
  registry: RunningRegistry,
  images: ConcurrencyImage[],
  shape: { rounds: number; processes: number },
): Promise<void> {
  for (const [i, { repository, image }] of images.entries()) {
    const tags: string[] = [];
    for (let round = 0; round < shape.rounds; round++) {
      for (let proc = i; proc < shape.processes; proc += images.length) tags.push(tagOf(round, proc));
    }
    await pushImage(registry, repository, image, tags);
  }
}

/**
 * Run `processes` real `digestguard verify --cache` processes at once over
 * the images, sharing one cache folder, for `rounds` rounds. Every other
 * round starts from an emptied cache (so blobs are ingested again, in a
 * race) and has one run SIGKILLed at a random moment; a `cache prune` runs
 * alongside every round. Then every committed blob is re-hashed and
 * refs.json is checked against the runs that succeeded.
 *
 * @example
 * ```ts
 * const figures = await runCacheConcurrency({ registry, images, cacheDir, rounds: 5, processes: 8 });
 * ```
 */
export async function runCacheConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyFigures> {
  const outcomes: Outcome[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 1) await mustRun(["cache", "prune", "--max-size", "0", "--cache-dir", options.cacheDir]);
    outcomes.push(...(await runRound(options, round)));
  }
  const blobs = await checkBlobs(options);
  const verified = await runCli(["cache", "verify", "--json", "--cache-dir", options.cacheDir]);
  const quarantined = (JSON.parse(verified.stdout.toString() || '{"quarantined":[]}') as { quarantined: unknown[] })
    .quarantined.length;
  const refs = (
    JSON.parse(await readFile(join(options.cacheDir, "refs.json"), "utf8")) as {
      refs: Record<string, { digest: string }>;
    }
  ).refs;
  const succeeded = outcomes.filter((o) => !o.killed && o.exitCode === 0);
  return {
    rounds: options.rounds,
    processes: options.processes,
    runs: outcomes.length,
    killed: outcomes.filter((o) => o.killed).length,
    succeeded: succeeded.length,
    failed: outcomes
      .filter((o) => !o.killed && o.exitCode !== 0)
      .map(({ args, exitCode, stderr }) => ({ args, exitCode, stderr: stderr.slice(0, 2000) })),
    blobsChecked: blobs.checked,
    corruptBlobs: blobs.corrupt,
    quarantinedByCacheVerify: verified.exitCode === 0 ? quarantined : Math.max(quarantined, 1),
    lostRefs: succeeded.filter((o) => refs[o.ref]?.digest !== o.digest).map((o) => o.ref),
  };
}

async function runRound(options: ConcurrencyOptions, round: number): Promise<Outcome[]> {
  const victim = round % 2 === 1 ? Math.floor(Math.random() * options.processes) : -1;
  const prune = runCli(["cache", "prune", "--older-than", "3650d", "--cache-dir", options.cacheDir]);
  const runs = Array.from({ length: options.processes }, (_, proc) => {
    const { repository, image } = options.images[proc % options.images.length] as ConcurrencyImage;
    const ref = `${options.registry.host}/${repository}:${tagOf(round, proc)}`;
    const args = ["verify", "--cache", ...(proc % 2 === 1 ? ["--deep"] : []), ref];
    return runVerify(args, options.cacheDir, proc === victim ? 30 + Math.random() * 400 : undefined).then((result) => ({
      args,
      ref,
      digest: image.root.digest,
      ...result,
    }));
  });
  const pruned = await prune;
  if (pruned.exitCode !== 0) throw new Error(`cache prune failed alongside round ${round}: ${pruned.stderr}`);
  return Promise.all(runs);
}

function runVerify(
  args: string[],
  cacheDir: string,
  killAfterMs: number | undefined,
): Promise<{ killed: boolean; exitCode: number | string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DIGESTGUARD_CACHE_DIR: cacheDir, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let killed = false;
    // The report goes to stdout; both are kept to explain a failed run.
    child.stdout.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.kill("SIGKILL");
          }, killAfterMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // A run that finished before the kill landed counts as a normal run.
      resolve({ killed: killed && signal === "SIGKILL", exitCode: code ?? signal ?? "unknown", stderr });
    });
  });
}

async function checkBlobs(options: ConcurrencyOptions): Promise<{ checked: number; corrupt: string[] }> {
  const sizes = new Map<string, number>();
  for (const { image } of options.images) {
    for (const item of [image.root, ...image.manifests, ...image.blobs]) {
      const descriptor = "descriptor" in item ? item.descriptor : item;
      sizes.set(descriptor.digest, descriptor.size);
    }
  }
  const dir = join(options.cacheDir, "blobs", "sha256");
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^[a-f0-9]{64}$/.test(name));
  const corrupt: string[] = [];
  for (const name of names) {
    const bytes = await readFile(join(dir, name));
    const hex = createHash("sha256").update(bytes).digest("hex");
    if (hex !== name || sizes.get(`sha256:${name}`) !== bytes.length)
      corrupt.push(`sha256:${name} (${bytes.length} bytes, hashes to ${hex})`);
  }
  return { checked: names.length, corrupt };
}

async function mustRun(args: string[]): Promise<void> {
  const result = await runCli(args);
  if (result.exitCode !== 0)
    throw new Error(`digestguard ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
}
