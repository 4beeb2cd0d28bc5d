import type { Descriptor, Platform } from "../oci/descriptor.js";
import type { FetchedManifest } from "../oci/manifest.js";
import { formatPlatform, isAttestationPlatform } from "../oci/platform.js";
import { selectPlatform } from "../oci/select-platform.js";
import type { ContentStore, Target } from "../store/content-store.js";

/** A descriptor as reports show it. */
export interface ReportDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** One entry of an index in an {@link InspectReport}. */
export interface ReportIndexEntry extends ReportDescriptor {
  /** `os/arch[/variant]`, or undefined for entries without a platform. */
  platform?: string;
  /** True for BuildKit attestation manifests (`unknown/unknown`). */
  attestation?: boolean;
}

/**
 * What `inspect` reports, `--json` schema version 1. For an index, `manifests`
 * lists every child; for an image, `config` and `layers`. With a platform
 * chosen from an index, the report describes the child and `index` names the
 * index it came from.
 */
export interface InspectReport {
  schemaVersion: 1;
  reference: string;
  kind: "index" | "image";
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  subject?: ReportDescriptor;
  annotations?: Record<string, string>;
  manifests?: ReportIndexEntry[];
  config?: ReportDescriptor;
  layers?: ReportDescriptor[];
  platform?: string;
  index?: ReportDescriptor;
  /** The host that served the manifest (a registry or its mirror); absent for local stores. */
  source?: string;
  /** True when `source` is a mirror. */
  mirror?: boolean;
}

/** The report and the exact bytes of the manifest it describes (for `--raw`). */
export interface InspectResult {
  report: InspectReport;
  bytes: Uint8Array;
}

/**
 * Describe what a reference points to, byte-exact: the manifest's media type,
 * digest and size as computed over the bytes received; every platform of an
 * index; config and layers of an image. `platform` selects an index child.
 *
 * @example
 * ```ts
 * const { report } = await inspectImage(store, { tag: "1.0" }, { display: "oci:./layout:1.0" });
 * ```
 */
export async function inspectImage(
  store: ContentStore,
  target: Target,
  options: { display: string; platform?: Platform; signal?: AbortSignal },
): Promise<InspectResult> {
  const top = await store.fetchManifest(target, { signal: options.signal });
  if (options.platform === undefined || top.manifest.kind === "image") {
    return { report: { ...describeManifest(top, options.display), ...answered(top) }, bytes: top.bytes };
  }
  const child = selectPlatform(top.manifest, options.platform, options.display);
  const fetched = await store.fetchManifest({ digest: child.digest }, { signal: options.signal });
  const report: InspectReport = { ...describeManifest(fetched, options.display), ...answered(fetched) };
  report.index = toReportDescriptor({ mediaType: top.mediaType, digest: top.digest, size: top.size });
  if (child.platform !== undefined) report.platform = formatPlatform(child.platform);
  return { report, bytes: fetched.bytes };
}

function describeManifest(fetched: FetchedManifest, display: string): InspectReport {
  const m = fetched.manifest;
  const report: InspectReport = {
    schemaVersion: 1,
    reference: display,
    kind: m.kind,
    mediaType: fetched.mediaType,
    digest: fetched.digest,
    size: fetched.size,
    ...(m.artifactType !== undefined ? { artifactType: m.artifactType } : {}),
    ...(m.subject !== undefined ? { subject: toReportDescriptor(m.subject) } : {}),
    ...(m.annotations !== undefined ? { annotations: m.annotations } : {}),
  };
  if (m.kind === "index") {
    report.manifests = m.manifests.map(toIndexEntry);
  } else {
    report.config = toReportDescriptor(m.config);
    report.layers = m.layers.map(toReportDescriptor);
  }
  return report;
}

function answered(d: { source?: string; mirror?: boolean }): Pick<InspectReport, "source" | "mirror"> {
  return d.source === undefined ? {} : { source: d.source, mirror: d.mirror === true };
}

function toIndexEntry(entry: Descriptor): ReportIndexEntry {
  return {
    ...toReportDescriptor(entry),
    ...(entry.platform !== undefined ? { platform: formatPlatform(entry.platform) } : {}),
    ...(isAttestationPlatform(entry.platform) ? { attestation: true } : {}),
  };
}

function toReportDescriptor(d: Pick<Descriptor, "mediaType" | "digest" | "size" | "annotations">): ReportDescriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.annotations !== undefined ? { annotations: d.annotations } : {}),
  };
}
