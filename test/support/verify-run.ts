import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContentCache } from "../../src/store/cache/content-cache.js";
import type { Platform } from "../../src/oci/descriptor.js";
import { digestHex, type Digest } from "../../src/oci/digest.js";
import type { RegistryClientOptions } from "../../src/registry/registry-client.js";
import type { Target } from "../../src/store/content-store.js";
import { CachingStore } from "../../src/store/cache/caching-store.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { verifyImage } from "../../src/image/verify-image.js";
import type { BlobCheck, VerifyReport } from "../../src/image/verify-report.js";
import { clientFor } from "./client-for.js";
import type { RunningRegistry } from "./registry.js";

/** Options for {@link verifyAt}. */
export interface VerifyAtOptions {
  cache?: ContentCache;
  mode?: VerifyReport["mode"];
  platform?: Platform;
  /** Client settings on top of the harness defaults (timeouts, retry). */
  client?: RegistryClientOptions;
}

/**
 * Run the library's `verifyImage` (through a `CachingStore` when a cache is
 * given) against `host` (the registry itself, or a
 * fault proxy in front of it) with a fresh client that reaches `registry`.
 *
 * @example
 * ```ts
 * const report = await verifyAt(registry, proxy.host, "app", { tag: "1.0" });
 * ```
 */
export async function verifyAt(
  registry: RunningRegistry,
  host: string,
  repository: string,
  target: Target,
  options: VerifyAtOptions = {},
): Promise<VerifyReport> {
  const client = clientFor(registry, options.client);
  try {
    const source = new RegistryStore(client, { registry: host, repository });
    return await verifyImage(options.cache ? new CachingStore(source, options.cache) : source, target, {
      display: `${host}/${repository}`,
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
    });
  } finally {
    await client.close();
  }
}

/** The report's check of one layer, or a thrown error naming what was missing. */
export function layerCheck(report: VerifyReport, platform: string | undefined, layerIndex: number): BlobCheck {
  const check = report.blobs.find((b) => b.role === "layer" && b.platform === platform && b.layerIndex === layerIndex);
  if (check === undefined)
    throw new Error(`Cannot find layer ${layerIndex} of ${platform ?? "the image"} in the report.`);
  return check;
}

/** The checks that failed, as `platform#role#layerIndex` strings, sorted. */
export function failedChecks(report: VerifyReport): string[] {
  return report.blobs
    .filter((b) => b.status === "failed")
    .map((b) => `${b.platform ?? "-"}#${b.role}#${b.layerIndex ?? "-"}`)
    .sort();
}

/** What the cache holds for a digest: the committed blob and the (one) partial ingest, each if present. */
export async function cachedFiles(cache: ContentCache, digest: Digest): Promise<{ blob?: Buffer; partial?: Buffer }> {
  const read = (path: string): Promise<Buffer | undefined> => readFile(path).catch(() => undefined);
  const blob = await read(cache.blobPath(digest));
  const [partialPath, ...more] = await partialPaths(cache, digest);
  if (more.length > 0) throw new Error(`Expected at most one partial download of ${digest}, found ${more.length + 1}.`);
  const partial = partialPath === undefined ? undefined : await read(partialPath);
  return { ...(blob ? { blob } : {}), ...(partial ? { partial } : {}) };
}

/** Every partial download of `digest` in the cache's ingest folder, whoever writes it. */
export async function partialPaths(cache: ContentCache, digest: Digest): Promise<string[]> {
  const prefix = `sha256-${digestHex(digest)}.`;
  const names = await readdir(join(cache.root, "ingest")).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(prefix) && name.endsWith(".partial"))
    .map((name) => join(cache.root, "ingest", name));
}
