import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import { copyImage, type CopyProgress } from "../image/copy-image.js";
import type { Platform } from "../oci/descriptor.js";
import type { CallOptions, Target } from "../store/content-store.js";
import { locationDisplay, type OpenedLocation } from "../store/open-location.js";
import { destinationTarget, namedTarget } from "./mirror-destination.js";
import { failedItem, mirrorReport, type MirrorItem, type MirrorReport } from "./mirror-report.js";
import { mirrorReferrers } from "./mirror-referrers.js";

/** Options for {@link mirrorImage}. */
export interface MirrorOptions extends CallOptions {
  /** Open a location; the destination is opened with `create` (a new OCI layout is made). */
  open: (text: string, options: { create: boolean }) => Promise<OpenedLocation>;
  /** Copy only these platforms of an index; the index written then has a new digest. */
  platforms?: readonly Platform[];
  includeForeign?: boolean;
  /** Copy every tag of the source repository. */
  allTags?: boolean;
  /** Copy signatures, SBOMs and attestations too: by the referrers API, else the `sha256-<hex>` tags. */
  referrers?: boolean;
  concurrency?: number;
  /** A progress display per image (e.g. a terminal bar), stopped when the image is done. */
  progress?: (label: string) => Promise<(CopyProgress & { stop(): void }) | undefined>;
}

interface Side {
  opened: OpenedLocation;
  at(target: Target): string;
}

/**
 * `dg mirror SRC DST`: copy an image — or with `allTags` a whole repository
 * — from a registry or an OCI layout to a registry or an OCI layout, digests
 * preserved, verified on the way, idempotent and in safe order (see
 * `copyImage`). One image failing (a refusing destination, bad bytes at the
 * source) is reported and the others go on.
 *
 * @example
 * ```ts
 * const report = await mirrorImage("127.0.0.1:5000/base:1.0", "oci:./backup", { open, signal });
 * report.totals.bytesUploaded;
 * ```
 */
export async function mirrorImage(
  sourceText: string,
  destinationText: string,
  options: MirrorOptions,
): Promise<MirrorReport> {
  const source = side(await options.open(sourceText, { create: false }));
  const destination = side(await options.open(destinationText, { create: true }));
  const items: MirrorItem[] = [];
  let sourceTags: string[] | undefined;
  const tagsOfSource = async () => (sourceTags ??= await source.opened.store.listTags({ signal: options.signal }));
  if (options.allTags === true) {
    const named = namedTarget(destinationText);
    if (named.tag !== undefined || named.digest !== undefined) {
      throw new DigestguardError(
        "USAGE",
        `Cannot mirror every tag into ${destinationText}: it names one tag or digest; name the repository or layout only.`,
      );
    }
    for (const tag of await tagsOfSource()) items.push(await copyOne(source, { tag }, destination, { tag }, options));
  } else {
    const target = destinationTarget(destinationText, source.opened.target);
    const layoutTag =
      destination.opened.location.kind === "oci-layout" && target.tag === undefined
        ? source.opened.target.tag
        : undefined;
    items.push(
      await copyOne(
        source,
        source.opened.target,
        destination,
        layoutTag === undefined ? target : { ...target, tag: layoutTag },
        options,
      ),
    );
  }
  if (options.referrers === true && options.allTags !== true) {
    for (const item of [...items]) {
      if (item.result === undefined) continue;
      items.push(
        ...(await mirrorReferrers(item.result.source.digest, item.source, {
          source: source.opened.store,
          destination: destination.opened.store,
          copy: (from, to) => copyOne(source, from, destination, to, options),
          sourceTags: tagsOfSource,
          at: destination.at,
          signal: options.signal,
        })),
      );
    }
  }
  return mirrorReport(source.opened.display, headerDisplay(destination.opened, destinationText), items);
}

// A registry destination named without a tag is parsed as `:latest`, yet takes the
// source's tag (or, with --all-tags, every tag): name just the repository then.
function headerDisplay(opened: OpenedLocation, text: string): string {
  const named = namedTarget(text);
  if (opened.location.kind !== "registry" || named.tag !== undefined || named.digest !== undefined)
    return opened.display;
  const { registry, repository } = opened.location.reference;
  return locationDisplay(registry, repository, {});
}

async function copyOne(
  source: Side,
  sourceTarget: Target,
  destination: Side,
  target: Target,
  options: MirrorOptions,
): Promise<MirrorItem> {
  const from = source.at(sourceTarget);
  const to = destination.at(target);
  const progress = await options.progress?.(from);
  try {
    const result = await copyImage(source.opened.store, sourceTarget, destination.opened.store, {
      ...(target.tag === undefined ? {} : { tag: target.tag }),
      ...(target.digest === undefined ? {} : { digest: target.digest }),
      ...(options.platforms === undefined ? {} : { platforms: options.platforms }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(progress === undefined ? {} : { progress }),
      includeForeign: options.includeForeign === true,
      mountFrom: [source.opened.store],
      signal: options.signal,
      what: from,
    });
    return { source: from, destination: to, status: result.status, result };
  } catch (error) {
    if (isAborted(error) || !(error instanceof DigestguardError)) throw error;
    return failedItem(from, to, error);
  } finally {
    progress?.stop();
  }
}

function side(opened: OpenedLocation): Side {
  const { location } = opened;
  return {
    opened,
    at: (target) =>
      location.kind === "oci-layout"
        ? `oci:${location.path}${target.digest !== undefined ? `@${target.digest}` : `:${target.tag ?? ""}`}`
        : locationDisplay(location.reference.registry, location.reference.repository, target),
  };
}
