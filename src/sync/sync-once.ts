import type { SyncImageSettings, SyncSettings } from "../config/config-schema.js";
import { DigestguardError } from "../errors/error.js";
import { parsePlatform } from "../oci/platform.js";
import { parseRepository } from "../oci/reference.js";
import type { ContentStore } from "../store/content-store.js";
import { selectTags } from "./select-tags.js";
import { type SharedPass, sharedImages } from "./shared-pass.js";
import { summarize, type SyncImageReport, type SyncReport } from "./sync-report.js";
import { syncTag } from "./sync-tag.js";
import { expandTarget } from "./sync-target.js";

/** What {@link syncOnce} needs from its caller. */
export interface SyncOptions {
  /** A store for a registry repository (source or target). */
  open: (repo: { registry: string; repository: string }) => ContentStore;
  /** Plan only: report what would be copied and the bytes it would move. */
  dryRun?: boolean;
  /** The clock for backup tag dates (default now). */
  now?: Date;
  /** Aborts the copy in flight. */
  signal?: AbortSignal;
  /** Gentler than `signal`: finish the image in flight, start no other. */
  stop?: AbortSignal;
  /** Share the pass with the other workers on a database: each image is synced by one of them. */
  shared?: SharedPass;
}

/**
 * Run the `sync:` section once: for every image, list its source tags, keep
 * those the filter selects, and bring each to the target the template names
 * (see `syncTag`). Images run one after another, tags one after another (each
 * copy moves blobs in parallel). A failing image or tag is reported with its
 * reason and the rest continue. With `shared`, this worker syncs only the
 * images it claims, and reports only those.
 *
 * @example
 * ```ts
 * const report = await syncOnce(config.sync, { open: (repo) => new RegistryStore(client, repo) });
 * ```
 */
export async function syncOnce(settings: SyncSettings, options: SyncOptions): Promise<SyncReport> {
  const now = options.now ?? new Date();
  const targetsByRegistry = new Map<string, ContentStore[]>();
  const images: SyncImageReport[] = [];
  const order =
    options.shared === undefined ? settings.images.keys() : sharedImages(settings.images, options.shared, options.stop);
  for await (const index of order) {
    if (options.stop?.aborted) break;
    const image = settings.images[index] as SyncImageSettings;
    images.push(await syncImage(image, settings, options, now, targetsByRegistry));
  }
  return summarize(images, options.dryRun === true);
}

async function syncImage(
  image: SyncImageSettings,
  settings: SyncSettings,
  options: SyncOptions,
  now: Date,
  targetsByRegistry: Map<string, ContentStore[]>,
): Promise<SyncImageReport> {
  const report: SyncImageReport = { source: image.source, target: image.target ?? settings.target ?? "", tags: [] };
  try {
    const template = image.target ?? settings.target;
    if (template === undefined)
      throw new DigestguardError(
        "CONFIG_INVALID",
        `Cannot sync ${image.source}: it has no target; set sync.target or the image's target.`,
      );
    const sourceRepo = parseRepository(image.source);
    const targetRepo = expandTarget(template, sourceRepo);
    report.source = `${sourceRepo.registry}/${sourceRepo.repository}`;
    report.target = `${targetRepo.registry}/${targetRepo.repository}`;
    const source = options.open(sourceRepo);
    const target = options.open(targetRepo);
    const platforms = (image.platforms ?? []).map(parsePlatform);
    const tags = selectTags(await source.listTags({ signal: options.signal }), image.tags ?? {}, report.source);
    const siblings = targetsByRegistry.get(targetRepo.registry) ?? [];
    for (const tag of tags) {
      const names = { source: `${report.source}:${tag}`, target: `${report.target}:${tag}` };
      try {
        const job = { source, target, tag, platforms, now, mountFrom: siblings, dryRun: options.dryRun === true };
        const done = await syncTag({
          ...job,
          backup: image.backup ?? settings.backup ?? false,
          signal: options.signal,
        });
        report.tags.push({ ...names, ...done });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        report.tags.push({ ...names, tag, status: "failed", bytes: 0, blobs: none(), error: brief(error) });
      }
    }
    targetsByRegistry.set(targetRepo.registry, [...siblings, target]);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    report.error = brief(error);
  }
  return report;
}

const none = () => ({ uploaded: 0, mounted: 0, present: 0 });

function brief(error: unknown): { code: string; message: string } {
  return error instanceof DigestguardError
    ? { code: error.code, message: error.message }
    : { code: "INTERNAL", message: String(error) };
}
