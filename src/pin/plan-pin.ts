import { dirname, resolve } from "node:path";
import type { LockedImage, Lockfile } from "../lockfile/lockfile-schema.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { lockSourcePath } from "../lockfile/source-path.js";
import { lockedKinds, scanKindsFor } from "../lockfile/scan-kinds.js";
import { applyEdits, pinEdit, type TextEdit } from "../scan/index.js";
import type { PinFilesOptions, PinReport, PinProblem } from "./pin-report.js";
import { resolveReferences, type Resolution } from "./pin-references.js";
import { scanReferences, type ScannedFile } from "../scan/scan-references.js";
import type { FileRewrite } from "./write-files.js";
import { relocateEdit, relocateToMirror, type Relocation } from "./relocate-to-mirror.js";

/** What a pin will do, computed before anything is written. */
export interface PinPlan {
  files: ScannedFile[];
  report: PinReport;
  rewrites: FileRewrite[];
  lock: Lockfile;
}

/**
 * Scan, resolve and decide: which files change and how, and the lockfile
 * that goes with them. A file with any reference that cannot be resolved,
 * or that is held (a tag pinned to different digests), is left as it is and
 * contributes no new lock entries, so files and lockfile stay in step.
 *
 * @example
 * ```ts
 * const { report, rewrites, lock } = await planPin(options, "digestguard.lock");
 * ```
 */
export async function planPin(options: PinFilesOptions, lockfilePath: string): Promise<PinPlan> {
  const old = await readLockfile(options.lockfilePath);
  const kinds = scanKindsFor(old, options);
  const files = await scanReferences(options.paths, { ...options, ...kinds });
  const resolution = await resolveReferences(files, old, options);
  const relocation = await relocateIfAsked(resolution, files, options);
  const report: PinReport = {
    schemaVersion: 1,
    lockfile: options.lockfilePath,
    dryRun: options.dryRun === true,
    pins: [],
    problems: [],
    changes: resolution.changes,
    filesChanged: [],
    resolutions: resolution.resolutions,
  };
  const rewrites: FileRewrite[] = [];
  const leftAlone = new Set<string>();
  for (const file of files) {
    for (const p of file.problems)
      report.problems.push({
        file: file.path,
        line: p.found.line,
        written: p.found.written,
        reason: p.reason,
        kind: "unpinnable",
      });
    const blocked = blockingProblems(file, resolution);
    report.problems.push(...blocked);
    if (blocked.length > 0) {
      leftAlone.add(resolve(file.path));
      continue;
    }
    report.problems.push(...notInMirror(file, relocation));
    const rewrite = pinFile(file, resolution.entries, relocation.targets, report);
    if (rewrite !== undefined) rewrites.push(rewrite);
  }
  report.filesChanged = rewrites.map((r) => r.path);
  return {
    files,
    report,
    rewrites,
    lock: {
      lockfileVersion: 1,
      kinds: lockedKinds(kinds),
      images: lockedImages(old, resolution, files, leftAlone, options.lockfilePath),
    },
  };
}

function blockingProblems(file: ScannedFile, resolution: Resolution): PinProblem[] {
  const problems: PinProblem[] = [];
  for (const ref of file.pinnable) {
    const at = { file: file.path, line: ref.found.line, written: ref.found.written };
    const failure = resolution.failures.get(ref.key);
    const tagNow = resolution.held.get(ref.key);
    if (failure !== undefined) {
      problems.push({
        ...at,
        kind: "unresolved",
        reason: `cannot resolve: ${failure.message}; the file was left unchanged`,
        error: { code: failure.code, exitCode: failure.exitCode },
      });
    } else if (tagNow !== undefined) {
      const pinned =
        ref.reference.digest === undefined
          ? "not pinned while other references to this tag are pinned to different digests"
          : `pinned to ${ref.reference.digest}`;
      problems.push({
        ...at,
        kind: "held",
        reason: `${pinned}, tag now at ${tagNow}; run pin --update to move every reference to ${ref.key} there; the file was left unchanged`,
      });
    }
  }
  return problems;
}

// The new lockfile: what this run pinned, plus what it did not touch —
// entries that failed or were held, and sources in files it did not change
// or did not scan ("pin docker/" must not forget every other folder's images).
// Scanned paths are relative to the working folder, the lockfile's sources
// to the lockfile's folder (see lockSourcePath).
function lockedImages(
  lock: Lockfile | undefined,
  resolution: Resolution,
  files: ScannedFile[],
  leftAlone: Set<string>,
  lockfilePath: string,
): LockedImage[] {
  const lockDir = dirname(resolve(lockfilePath));
  const owned = new Set(files.map((file) => resolve(file.path)).filter((path) => !leftAlone.has(path)));
  const elsewhere = (entry: LockedImage) => entry.sources.filter((source) => !owned.has(resolve(lockDir, source.file)));
  const old = lock?.images ?? [];
  const fresh = new Map<string, LockedImage>();
  for (const [key, entry] of resolution.entries) {
    const sources = entry.sources
      .filter((source) => owned.has(resolve(source.file)))
      .map((source) => ({ ...source, file: lockSourcePath(lockDir, source.file) }));
    if (sources.length === 0) continue;
    const same = old.find((o) => o.reference === entry.reference && o.digest === entry.digest);
    fresh.set(key, { ...entry, sources: same === undefined ? sources : [...sources, ...elsewhere(same)] });
  }
  const kept = old.flatMap((entry) => {
    if (resolution.failures.has(entry.reference) || resolution.held.has(entry.reference)) return [entry];
    const sources = fresh.has(entry.reference) ? [] : elsewhere(entry);
    return sources.length > 0 ? [{ ...entry, sources }] : [];
  });
  return [...fresh.values(), ...kept];
}

// With --mirror, entries the mirror holds are moved there (their lock entries
// replaced in place); the others stay and are reported, not blocked.
async function relocateIfAsked(
  resolution: Resolution,
  files: ScannedFile[],
  options: PinFilesOptions,
): Promise<Pick<Relocation, "targets" | "missing">> {
  if (options.mirror === undefined) return { targets: new Map(), missing: new Map() };
  const relocation = await relocateToMirror(resolution.entries, files, { ...options, mirror: options.mirror });
  for (const [key, entry] of relocation.moved) resolution.entries.set(key, entry);
  return relocation;
}

function notInMirror(file: ScannedFile, relocation: Pick<Relocation, "missing">): PinProblem[] {
  return file.pinnable.flatMap((ref) => {
    const target = relocation.missing.get(ref.key);
    if (target === undefined) return [];
    return [
      {
        file: file.path,
        line: ref.found.line,
        written: ref.found.written,
        kind: "not-in-mirror" as const,
        reason: `${target} is not in the mirror; run dg mirror/sync first; the reference was left pointing at its source`,
      },
    ];
  });
}

function pinFile(
  file: ScannedFile,
  entries: Map<string, LockedImage>,
  targets: Map<string, string>,
  report: PinReport,
): FileRewrite | undefined {
  const edits: TextEdit[] = [];
  for (const ref of file.pinnable) {
    const entry = entries.get(ref.key);
    if (entry === undefined) continue;
    const target = targets.get(ref.key);
    const changed = target !== undefined || ref.reference.digest !== entry.digest;
    report.pins.push({
      file: file.path,
      line: ref.found.line,
      written: ref.found.written,
      reference: ref.key,
      digest: entry.digest,
      changed,
    });
    if (target !== undefined) edits.push(relocateEdit(ref.found, target));
    else if (changed) edits.push(pinEdit(ref.found, entry.digest));
  }
  if (edits.length === 0) return undefined;
  const text = applyEdits(file.text, edits);
  return text === file.text ? undefined : { path: file.path, text, encoding: file.encoding };
}
