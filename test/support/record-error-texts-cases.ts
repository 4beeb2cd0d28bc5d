import type { Corruption } from "./record-error-texts-images.js";

/** One way of breaking an image in the registry, recorded with every tool. */
export interface RecordingCase {
  name: string;
  /** Which blob is damaged, and how; absent for cases that break something else. */
  damage?: { blob: "layer" | "config"; how: Corruption };
  /** An image whose config lists a wrong diff_id (all blobs intact). */
  wrongDiffId?: boolean;
  /** Pull a tag that was never pushed. */
  missingTag?: boolean;
  /** Pull from a server that answers 401 with a Basic challenge, giving no credentials. */
  withoutCredentials?: boolean;
  /** Pull from a server that answers every manifest and blob request with 429. */
  rateLimited?: boolean;
}

/** The cases, in the order they are recorded. */
export const RECORDING_CASES: readonly RecordingCase[] = [
  { name: "layer-flip", damage: { blob: "layer", how: "flip" } },
  { name: "layer-truncated", damage: { blob: "layer", how: "truncate" } },
  { name: "layer-empty", damage: { blob: "layer", how: "empty" } },
  { name: "layer-grown", damage: { blob: "layer", how: "grow" } },
  { name: "config-flip", damage: { blob: "config", how: "flip" } },
  { name: "blob-missing", damage: { blob: "layer", how: "delete" } },
  { name: "wrong-diff-id", wrongDiffId: true },
  { name: "manifest-missing", missingTag: true },
  { name: "unauthorized", withoutCredentials: true },
  { name: "rate-limited", rateLimited: true },
];

/** Fields the recorder knows independently of any parser: from what it built and what it damaged. */
export type KnownField =
  | "expected"
  | "actual"
  | "actualIsEmpty"
  | "expectedSize"
  | "actualSize"
  | "refKind"
  | "namedDiffId"
  | "imageReference";

/** What the parser must find in one tool's text for one case. */
export interface Expectation {
  shape: string;
  /** Besides these, `imageReference` is expected whenever the text contains the pulled reference: ctr prints it only when a progress tick came before the failure. */
  fields: readonly KnownField[];
  /** The text names the image with the manifest digest it resolved (BuildKit's `FROM ref@sha256:…` step). */
  pinned?: boolean;
}

/** A tool that pulls a case's image without any error: no fixture is written. */
export const NOT_NOTICED = "not-noticed";

const DIGESTS: readonly KnownField[] = ["expected", "actual", "actualIsEmpty", "refKind"];
const SIZES: readonly KnownField[] = ["expected", "expectedSize", "actualSize", "refKind"];
const BLOB: readonly KnownField[] = ["expected", "refKind"];

const containersImage = (): Record<string, Expectation | typeof NOT_NOTICED> => {
  return {
    "layer-flip": { shape: "digest-did-not-match", fields: DIGESTS },
    // containers-image does not compare sizes first: a short or long body shows as a digest mismatch.
    "layer-truncated": { shape: "digest-did-not-match", fields: DIGESTS },
    "layer-empty": { shape: "digest-did-not-match", fields: DIGESTS },
    "layer-grown": { shape: "digest-did-not-match", fields: DIGESTS },
    "config-flip": { shape: "digest-did-not-match", fields: DIGESTS },
    "blob-missing": { shape: "blob-unknown", fields: BLOB },
    // It never decompresses layers when copying, so it cannot see a wrong diff_id.
    "wrong-diff-id": NOT_NOTICED,
    "manifest-missing": { shape: "manifest-unknown", fields: [] },
    unauthorized: { shape: "unauthorized", fields: [] },
    "rate-limited": { shape: "toomanyrequests", fields: [] },
  };
};

const BY_TOOL: Record<string, Record<string, Expectation | typeof NOT_NOTICED>> = {
  skopeo: containersImage(),
  podman: containersImage(),
  buildah: containersImage(),
  "podman-build": containersImage(),
  ctr: {
    "layer-flip": { shape: "commit-digest-mismatch", fields: DIGESTS },
    // content.Copy counts bytes before committing, so a short body never reaches the digest check.
    "layer-truncated": { shape: "unexpected-eof", fields: [] },
    "layer-empty": { shape: "unexpected-eof", fields: [] },
    "layer-grown": { shape: "commit-size-mismatch", fields: SIZES },
    "config-flip": { shape: "commit-digest-mismatch", fields: DIGESTS },
    "blob-missing": { shape: "blob-unknown", fields: BLOB },
    "wrong-diff-id": { shape: "diff-id-mismatch", fields: ["namedDiffId", "refKind"] },
    "manifest-missing": { shape: "manifest-unknown", fields: [] },
    unauthorized: { shape: "unauthorized", fields: [] },
    "rate-limited": { shape: "toomanyrequests", fields: [] },
  },
  dockerd: {
    "layer-flip": { shape: "layer-verification-failed", fields: BLOB },
    "layer-truncated": { shape: "layer-verification-failed", fields: BLOB },
    "layer-empty": { shape: "layer-verification-failed", fields: BLOB },
    "layer-grown": { shape: "layer-verification-failed", fields: BLOB },
    "config-flip": { shape: "layer-verification-failed", fields: BLOB },
    "blob-missing": { shape: "blob-unknown", fields: [] },
    "wrong-diff-id": { shape: "diff-id-mismatch", fields: ["refKind"] },
    "manifest-missing": { shape: "manifest-unknown", fields: [] },
    unauthorized: { shape: "unauthorized", fields: [] },
    "rate-limited": { shape: "toomanyrequests", fields: [] },
  },
  buildkit: {
    "layer-flip": { shape: "commit-digest-mismatch", fields: DIGESTS, pinned: true },
    "layer-truncated": { shape: "unexpected-eof", fields: [], pinned: true },
    "layer-empty": { shape: "unexpected-eof", fields: [], pinned: true },
    "layer-grown": { shape: "commit-size-mismatch", fields: SIZES, pinned: true },
    // The config is fetched while resolving metadata, before the FROM step names the digest.
    "config-flip": { shape: "commit-digest-mismatch", fields: DIGESTS },
    "blob-missing": { shape: "blob-unknown", fields: BLOB, pinned: true },
    // Docker 20.10's BuildKit unpacks without comparing diff_ids (the build then fails for unrelated reasons).
    "wrong-diff-id": NOT_NOTICED,
    "manifest-missing": { shape: "manifest-unknown", fields: [] },
    unauthorized: { shape: "unauthorized", fields: [] },
    "rate-limited": { shape: "toomanyrequests", fields: [] },
  },
};

/**
 * Reviewed by reading each recorded text once: what a tool says for a case
 * differs between tools (containerd reports a short body as an EOF, skopeo
 * as a digest mismatch), so this is per tool. A pair missing here is
 * recorded with shape "unreviewed" and makes the table test fail until a
 * person has read it.
 *
 * @example
 * ```ts
 * expectationFor("ctr", "layer-flip")?.shape; // "commit-digest-mismatch"
 * ```
 */
export function expectationFor(tool: string, caseName: string): Expectation | typeof NOT_NOTICED | undefined {
  return BY_TOOL[tool]?.[caseName];
}
