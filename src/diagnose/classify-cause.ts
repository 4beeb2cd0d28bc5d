import type { ParsedErrorText } from "./error-shapes.js";
import type { SourceEvidence } from "./gather-evidence.js";
import type { DigestLocation } from "./locate-digest.js";

/** The causes diagnose can tell apart. */
export type Cause =
  | "registry-serves-bad-bytes"
  | "mirror-serves-bad-bytes"
  | "stale-local-cache"
  | "empty-body"
  | "interrupted-transfer"
  | "transient-transfer-corruption"
  | "blob-missing"
  | "image-diff-id-wrong"
  | "tag-moved"
  | "auth"
  | "rate-limited"
  | "undetermined";

/** The verdict: which cause fits the evidence, why, and what to do next. */
export interface Verdict {
  cause: Cause;
  /** One paragraph: why this cause fits. */
  explanation: string;
  /** What to do, most useful first. Never "remove the digest pin". */
  nextSteps: string[];
}

const KEEP_PIN = "Keep the digest pin: it is what caught this; removing it would only hide the problem.";
const PRUNE = "Prune the builder's cache before retrying — BuildKit keeps a failed partial download and will fail the same way: `docker builder prune` (or `buildctl prune`).";

/**
 * Decide which cause fits: the error's shape and digests, where the digest
 * belongs, and what each source serves now. Pure: every input is data.
 *
 * @example
 * ```ts
 * classifyCause(parsed, location, evidence).cause; // "mirror-serves-bad-bytes"
 * ```
 */
export function classifyCause(parsed: ParsedErrorText, location: DigestLocation | undefined, evidence: SourceEvidence[]): Verdict {
  if (parsed.shape === "unauthorized") return verdict("auth", "The registry refused the credentials (or none were sent).", ["Log in (`docker login`) or pass --creds; digestguard reads ~/.docker/config.json and credential helpers."]);
  if (parsed.shape === "toomanyrequests") return verdict("rate-limited", "The registry is rate limiting pulls.", ["Authenticate, wait, or pull through a mirror (`--mirror` / registries in digestguard.yaml).", KEEP_PIN]);
  const origin = evidence.find((e) => e.kind === "registry");
  const badMirrors = evidence.filter((e) => e.kind === "mirror" && (e.outcome === "mismatch" || e.outcome === "missing"));
  const cache = evidence.find((e) => e.kind === "cache");
  if (origin?.outcome === "mismatch") {
    const same = origin.failure?.actualDigest !== undefined && origin.failure.actualDigest === parsed.actual;
    return verdict("registry-serves-bad-bytes",
      `The registry itself serves bytes that do not match ${parsed.expected ?? "the digest"} (${origin.failure?.meaning})${same ? " — exactly the bytes your build received, so this is reproducible, not a network fluke" : ""}.`,
      [KEEP_PIN, "Report it to the image maintainers / registry operator and attach the report (`--report FILE`).", "Meanwhile build from a verified copy: a mirror that verifies, or the previous known-good digest from your lockfile history."]);
  }
  if (origin?.outcome === "missing") {
    return verdict("blob-missing", `The registry no longer has ${location?.descriptor.digest ?? parsed.expected} (${origin.failure?.message ?? "not found"}).`,
      [KEEP_PIN, "Restore it from a verified backup (digestguard mirror) or re-pin to a digest that exists after reviewing the change (`digestguard pin --update`)."]);
  }
  if (badMirrors.length > 0 && origin?.outcome === "ok") {
    return verdict("mirror-serves-bad-bytes", `The mirror${badMirrors.length > 1 ? "s" : ""} ${badMirrors.map((m) => m.source).join(", ")} serve${badMirrors.length > 1 ? "" : "s"} ${badMirrors[0]?.failure?.meaning ?? "bad content"}, while the registry itself serves correct bytes.`,
      [KEEP_PIN, `Bypass or repair the mirror (${badMirrors.map((m) => m.source).join(", ")}): purge the cached blob there, or pull from the origin until it is fixed.`, PRUNE]);
  }
  if (cache?.outcome === "mismatch") {
    return verdict("stale-local-cache", "The local cache held a corrupt copy (now quarantined), while the registry serves correct bytes.",
      [KEEP_PIN, "The bad cache entry was moved to quarantine; the next run fetches it again. Run `digestguard cache verify` to check the rest.", PRUNE]);
  }
  if (parsed.shape === "diff-id-mismatch" || location?.viaDiffId) return diffIdVerdict(location, origin);
  if (origin?.outcome === "ok" && (location?.role === "manifest" || location?.role === "index" || parsed.refKind === "manifest" || parsed.refKind === "index")) {
    return verdict("tag-moved", "The manifest behind the expected digest exists and verifies now. A manifest mismatch with correct content usually means a tag was resolved to one digest and fetched after it moved.",
      [KEEP_PIN, "Build from the digest, not the tag (`digestguard pin`), so resolution and fetch cannot disagree."]);
  }
  if (origin?.outcome === "ok") return transientVerdict(parsed);
  return verdict("undetermined", location === undefined
    ? `The expected digest ${parsed.expected ?? "(none found)"} could not be found in any image digestguard knows: give the image with --image, or run where digestguard.lock or the Dockerfile is.`
    : "No source could be re-checked (unreachable); the cause cannot be told from the text alone.",
  [KEEP_PIN, "Re-run diagnose with --image REF where the registry is reachable."]);
}

function transientVerdict(parsed: ParsedErrorText): Verdict {
  if (parsed.actualIsEmpty) {
    return verdict("empty-body", "Your build received an empty body (the sha256 of zero bytes) but every source serves the right bytes now: a proxy, CDN or registry answered once with an empty response.",
      [KEEP_PIN, PRUNE, "If it recurs, look at the proxy or CDN between the builder and the registry."]);
  }
  if (parsed.shape === "unexpected-eof" || parsed.shape === "commit-size-mismatch") {
    return verdict("interrupted-transfer", "The download was cut short, and every source serves the complete blob now: an interrupted transfer, made sticky by a stale partial download.",
      [KEEP_PIN, PRUNE, "Retry; if it recurs on large layers, look at proxies or timeouts between the builder and the registry."]);
  }
  return verdict("transient-transfer-corruption", "Every source serves bytes that match the digest now: the corruption happened in transit or in the builder's partial download, once.",
    [KEEP_PIN, PRUNE, "Retry the build; if it recurs, compare `digestguard verify` from the builder's network with one from elsewhere."]);
}

function diffIdVerdict(location: DigestLocation | undefined, origin: SourceEvidence | undefined): Verdict {
  if (origin?.outcome === "ok" && origin.uncompressedDigest !== undefined && location?.viaDiffId === true && origin.uncompressedDigest !== location.matchedDigest) {
    return verdict("image-diff-id-wrong", `The compressed layer verifies, but it decompresses to ${origin.uncompressedDigest}, not the diff_id ${location.matchedDigest} the image config lists: the image was built or pushed wrong.`,
      [KEEP_PIN, "Report it to the image maintainers with this report; use the previous digest from your lockfile meanwhile."]);
  }
  return verdict("transient-transfer-corruption", "The layer and its uncompressed content verify now; the unpack failure came from a bad local copy.",
    [KEEP_PIN, PRUNE]);
}

function verdict(cause: Cause, explanation: string, nextSteps: string[]): Verdict {
  return { cause, explanation, nextSteps };
}
