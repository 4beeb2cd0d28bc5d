import { resolve } from "node:path";
import type { Platform } from "../oci/descriptor.js";
import type { LockedImage, Lockfile } from "../lockfile/lockfile-schema.js";
import { readLockfile, writeLockfile } from "../lockfile/lockfile.js";
import type { OpenedLocation } from "../store/open-location.js";
import { applyEdits, pinEdit, type TextEdit } from "./files/index.js";
import { resolveReferences, type Resolution } from "./pin-references.js";
import { scanReferences, type ScannedFile } from "./scan-references.js";
import type { TreeChange } from "./tree-diff.js";
import { writeFilesAtomically, type FileRewrite } from "./write-files.js";

/** Options for {@link pinFiles}. */
export interface PinFilesOptions {
  paths: string[];
  lockfilePath: string;
  open: (reference: string) => Promise<OpenedLocation>;
  platform?: Platform;
  update?: boolean;
  imagePattern?: string;
  kubernetes?: boolean;
  workflows?: boolean;
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

/** What `pin` did, `--json` schema version 1. */
export interface PinReport {
  schemaVersion: 1;
  lockfile: string;
  dryRun: boolean;
  pins: PinnedReference[];
  problems: { file: string; line: number; written: string; reason: string }[];
  changes: TreeChange[];
  filesChanged: string[];
  /** Tag resolutions sent to registries: at most one per distinct reference. */
  resolutions: number;
}

/**
 * Pin every image reference under `paths` to `tag@digest`, changing nothing
 * else in the files byte for byte, and write the whole digest tree of every
 * image to the lockfile. Each distinct reference is resolved once; a file
 * with a reference that cannot be resolved is left untouched and the reason
 * reported; all files change together or not at all.
 *
 * @example
 * ```ts
 * const report = await pinFiles({ paths: ["."], lockfilePath: "digestguard.lock", open });
 * ```
 */
export async function pinFiles(options: PinFilesOptions): Promise<PinReport> {
  const files = await scanReferences(options.paths, options);
  const lock = await readLockfile(options.lockfilePath);
  const resolution = await resolveReferences(files, lock, options);
  const report: PinReport = { schemaVersion: 1, lockfile: options.lockfilePath, dryRun: options.dryRun === true, pins: [], problems: [], changes: resolution.changes, filesChanged: [], resolutions: resolution.resolutions };
  const rewrites: FileRewrite[] = [];
  for (const file of files) {
    for (const p of file.problems) report.problems.push({ file: file.path, line: p.found.line, written: p.found.written, reason: p.reason });
    const failed = file.pinnable.filter((r) => resolution.failures.has(r.key));
    for (const r of failed) report.problems.push({ file: file.path, line: r.found.line, written: r.found.written, reason: `cannot resolve: ${resolution.failures.get(r.key)?.message}; the file was left unchanged` });
    if (failed.length > 0) continue;
    const rewrite = pinFile(file, resolution.entries, report);
    if (rewrite !== undefined) rewrites.push(rewrite);
  }
  report.filesChanged = rewrites.map((r) => r.path);
  if (!options.dryRun) {
    await writeFilesAtomically(rewrites, { roots: options.paths, signal: options.signal });
    await writeLockfile(options.lockfilePath, { lockfileVersion: 1, images: lockedImages(lock, resolution, files) }, options);
  }
  return report;
}

// The new lockfile: what this run resolved, plus what it did not look at —
// entries that failed to resolve, and sources in files outside the paths
// given ("pin docker/" must not forget the images of every other folder).
function lockedImages(lock: Lockfile | undefined, resolution: Resolution, files: ScannedFile[]): LockedImage[] {
  const scanned = new Set(files.map((file) => resolve(file.path)));
  const elsewhere = (entry: LockedImage) => entry.sources.filter((source) => !scanned.has(resolve(source.file)));
  const old = lock?.images ?? [];
  const fresh = [...resolution.entries.values()].map((entry) => {
    const same = old.find((o) => o.reference === entry.reference && o.digest === entry.digest);
    return same === undefined ? entry : { ...entry, sources: [...entry.sources, ...elsewhere(same)] };
  });
  const kept = old.flatMap((entry) => {
    if (resolution.failures.has(entry.reference)) return [entry];
    const sources = resolution.entries.has(entry.reference) ? [] : elsewhere(entry);
    return sources.length > 0 ? [{ ...entry, sources }] : [];
  });
  return [...fresh, ...kept];
}

function pinFile(file: ScannedFile, entries: Map<string, LockedImage>, report: PinReport): FileRewrite | undefined {
  const edits: TextEdit[] = [];
  for (const ref of file.pinnable) {
    const entry = entries.get(ref.key);
    if (entry === undefined) continue;
    const changed = ref.reference.digest !== entry.digest;
    report.pins.push({ file: file.path, line: ref.found.line, written: ref.found.written, reference: ref.key, digest: entry.digest, changed });
    if (changed) edits.push(pinEdit(ref.found, entry.digest));
  }
  if (edits.length === 0) return undefined;
  const text = applyEdits(file.text, edits);
  return text === file.text ? undefined : { path: file.path, text };
}
