import type { DigestguardError } from "../errors/error.js";
import type { CopyResult } from "../image/copy-image.js";

/** One image a mirror run copied (or tried to). */
export interface MirrorItem {
  source: string;
  destination: string;
  status: "copied" | "up-to-date" | "failed";
  /** What the copy did; absent when it failed before it started. */
  result?: CopyResult;
  /** Why it failed: the error's code and message. */
  error?: { code: string; message: string };
  /** Set for signatures, SBOMs and attestations copied along with an image. */
  referrerOf?: string;
}

/** Everything one `dg mirror` run did. */
export interface MirrorReport {
  source: string;
  destination: string;
  ok: boolean;
  items: MirrorItem[];
  totals: {
    copied: number;
    upToDate: number;
    failed: number;
    bytesUploaded: number;
    blobsUploaded: number;
    blobsMounted: number;
    blobsPresent: number;
  };
}

/**
 * Sum the items into a report.
 *
 * @example
 * ```ts
 * const report = mirrorReport("alpine:3.19", "oci:./backup", items);
 * ```
 */
export function mirrorReport(source: string, destination: string, items: MirrorItem[]): MirrorReport {
  const sum = (pick: (result: CopyResult) => number) =>
    items.reduce((total, item) => total + (item.result === undefined ? 0 : pick(item.result)), 0);
  const count = (status: MirrorItem["status"]) => items.filter((item) => item.status === status).length;
  return {
    source,
    destination,
    ok: count("failed") === 0,
    items,
    totals: {
      copied: count("copied"),
      upToDate: count("up-to-date"),
      failed: count("failed"),
      bytesUploaded: sum((r) => r.bytesUploaded),
      blobsUploaded: sum((r) => r.blobs.uploaded),
      blobsMounted: sum((r) => r.blobs.mounted),
      blobsPresent: sum((r) => r.blobs.present),
    },
  };
}

/**
 * The item for a failure: the code and message, which say what to do.
 *
 * @example
 * ```ts
 * items.push(failedItem("alpine:3.19", "oci:./b:3.19", error));
 * ```
 */
export function failedItem(source: string, destination: string, error: DigestguardError): MirrorItem {
  return { source, destination, status: "failed", error: { code: error.code, message: error.message } };
}
