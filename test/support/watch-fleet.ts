import { writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { spawnTracked, type TrackedChild } from "./child-reaper.js";
import { cliFlagsFor } from "./client-for.js";
import { pushImage } from "./noise-image.js";
import type { RunningRegistry } from "./registry.js";

const BIN = join(import.meta.dirname, "../../../bin/digestguard.js");

/**
 * A schedule that ticks once a year, at `time` (croner reads it in local
 * time): no tick falls while a test runs, so a fleet's cycle is its start-up
 * cycle, named by the schedule's newest tick however late a worker starts.
 *
 * @example
 * ```ts
 * const schedule = yearlyAt(new Date(2000, 0, 1));
 * ```
 */
export function yearlyAt(time: Date): string {
  return `${time.getSeconds()} ${time.getMinutes()} ${time.getHours()} ${time.getDate()} ${time.getMonth() + 1} *`;
}

/** A one-platform image whose content is `seed`. */
export function seededImage(seed: string): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "etc/id", content: `${seed}\n` }]] }],
  });
}

/**
 * Push one image under `repositories × tagsEach` tags (repositories in
 * parallel) and return the references, `host/fleet/rN:tM`.
 *
 * @example
 * ```ts
 * const refs = await seedTags(registry, 10, 200);
 * ```
 */
export async function seedTags(registry: RunningRegistry, repositories: number, tagsEach: number): Promise<string[]> {
  const image = await seededImage("base");
  const tags = Array.from({ length: tagsEach }, (_, t) => `t${t}`);
  await Promise.all(Array.from({ length: repositories }, (_, r) => pushImage(registry, `fleet/r${r}`, image, tags)));
  return Array.from(
    { length: repositories * tagsEach },
    (_, i) => `${registry.host}/fleet/r${Math.floor(i / tagsEach)}:t${i % tagsEach}`,
  );
}

/** Write the fleet's digestguard.yaml: every reference, a schedule, a webhook (when given). */
export async function writeFleetConfig(
  dir: string,
  options: { references: string[]; schedule: string; webhook?: string; secret?: string; perRegistry?: string },
): Promise<void> {
  await writeFile(
    join(dir, "digestguard.yaml"),
    [
      "version: 1",
      "watch:",
      "  version: 1",
      "  lockfile: false",
      `  schedule: "${options.schedule}"`,
      `  perRegistry: ${options.perRegistry ?? "{ concurrency: 8 }"}`,
      "  retry: { baseSeconds: 0.05, maxSeconds: 0.2 }",
      ...(options.webhook === undefined
        ? []
        : [`  notifiers: { ops: { type: webhook, url: "${options.webhook}", secret: ${options.secret} } }`]),
      "  images:",
      ...options.references.map((r) => `    - ${r}`),
      "",
    ].join("\n"),
  );
}

/**
 * Start a long-lived `dg watch` worker on the shared database; its log goes
 * to `<dir>/<worker>.log`.
 *
 * @example
 * ```ts
 * const worker = startWorker({ dir, registry, databaseUrl, worker: "w1", leaseSeconds: 3 });
 * ```
 */
export function startWorker(options: {
  dir: string;
  /** The harness registry whose CA and credentials the worker is given; none for a plain loopback fake. */
  registry?: RunningRegistry;
  databaseUrl: string;
  worker: string;
  leaseSeconds: number;
  /** More flags, e.g. `--listen 127.0.0.1:PORT`. */
  args?: string[];
  /** More environment, e.g. `HTTP_PROXY`. */
  env?: Record<string, string>;
}): TrackedChild {
  const tracked = spawnTracked(
    process.execPath,
    [
      BIN,
      "watch",
      "--log-format",
      "json",
      "--worker-id",
      options.worker,
      "--lease-seconds",
      String(options.leaseSeconds),
      ...(options.registry === undefined
        ? ["--authfile", "/nonexistent/digestguard-test-auth.json"]
        : cliFlagsFor(options.registry)),
      ...(options.args ?? []),
    ],
    {
      cwd: options.dir,
      env: { ...process.env, DIGESTGUARD_DATABASE_URL: options.databaseUrl, ...options.env },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  // Appended: a worker started again under its name keeps the log of the one before.
  tracked.child.stderr?.pipe(createWriteStream(join(options.dir, `${options.worker}.log`), { flags: "a" }));
  return tracked;
}

/** Progress of one cycle's jobs, as the workers left them in the database. */
export interface CycleProgress {
  total: number;
  done: number;
  /** Not done and leased, per worker. */
  leasedBy: Record<string, string[]>;
}

/** Read a cycle's progress straight from the database. */
export async function cycleProgress(databaseUrl: string, cycle: string): Promise<CycleProgress> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT reference, worker, done_at FROM cycle_jobs WHERE cycle = $1", [cycle]);
    const leasedBy: Record<string, string[]> = {};
    for (const row of rows)
      if (row.done_at === null && row.worker !== null) (leasedBy[row.worker] ??= []).push(row.reference);
    return { total: rows.length, done: rows.filter((r) => r.done_at !== null).length, leasedBy };
  } finally {
    await client.end();
  }
}

/** Poll until `ready(progress)` holds, or fail after `timeoutMs`. */
export async function waitForCycle(
  databaseUrl: string,
  cycle: string,
  ready: (progress: CycleProgress) => boolean,
  timeoutMs = 60_000,
): Promise<CycleProgress> {
  const started = Date.now();
  for (;;) {
    // Before the first worker has migrated the database there is no jobs table yet.
    const progress = await cycleProgress(databaseUrl, cycle).catch((error: { code?: string }) => {
      if (error.code === "42P01") return { total: 0, done: 0, leasedBy: {} };
      throw error;
    });
    if (ready(progress)) return progress;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `cycle ${cycle} not ready after ${timeoutMs} ms: ${JSON.stringify({ ...progress, leasedBy: Object.keys(progress.leasedBy) })}`,
      );
    await sleep(25);
  }
}
