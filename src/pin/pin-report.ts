import type { Platform } from "../oci/descriptor.js";
import type { OpenedLocation } from "../store/open-location.js";
import type { TreeChange } from "./tree-diff.js";

/** Options for `pinFiles`. */
export interface PinFilesOptions {
  paths: string[];
  lockfilePath: string;
  open: (reference: string) => Promise<OpenedLocation>;
  platform?: Platform;
  update?: boolean;
  imagePattern?: string;
  kubernetes?: boolean;
  workflows?: boolean;
  /** Gitignore-style patterns, relative to the working folder, of paths not to scan (`--exclude`). */
  exclude?: string[];
  /**
   * `HOST[:PORT]/PREFIX`: move each pin to the mirror's copy of its image
   * (same digest), where the mirror holds that digest.
   */
  mirror?: string;
  /** Report what would change; write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** One reference pinned (or re-pinned) in a file. */
export interface PinnedReference {
  file: string;
  line: number;
  written: string;
  reference: string;
  digest: string;
  /** Whether the file text changes for it (false when it was already pinned to this digest). */
  changed: boolean;
}

/**
 * A reference pin skipped: `unpinnable` (not a pinnable reference, or not a
 * base image), `unresolved` (the registry could not answer; the file was left
 * unchanged), `held` (its tag is pinned to different digests; only
 * `--update` moves pins) or `not-in-mirror` (with `mirror`: the mirror lacks
 * its digest, so it stays pointing at its source).
 */
export interface PinProblem {
  file: string;
  line: number;
  written: string;
  reason: string;
  kind: "unpinnable" | "unresolved" | "held" | "not-in-mirror";
  /** For `unresolved`: the error's stable code and exit code, so a registry lying about content reads as integrity, not as a skip. */
  error?: { code: string; exitCode: number };
}

/** What `pin` did, `--json` schema version 1. */
export interface PinReport {
  schemaVersion: 1;
  lockfile: string;
  dryRun: boolean;
  pins: PinnedReference[];
  problems: PinProblem[];
  changes: TreeChange[];
  filesChanged: string[];
  /** Tag resolutions sent to registries: at most one per distinct reference. */
  resolutions: number;
  /** Set when a signal arrived after the commit point: everything was written anyway. */
  interrupted?: "after-commit";
}
