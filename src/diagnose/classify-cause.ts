import type { ParsedErrorText } from "./error-shapes.js";
import type { SourceEvidence } from "./gather-evidence.js";
import type { DigestLocation } from "./locate-digest.js";
import { nonIntegrityVerdict, type NonIntegrity } from "./non-integrity-verdict.js";
import { adviceFor } from "./tool-advice.js";

/** The causes diagnose can tell apart. */
export type Cause =
  | "registry-serves-bad-bytes"
  | "mirror-serves-bad-bytes"
  | "stale-local-cache"
  | "engine-holds-bad-copy"
  | "empty-body"
  | "interrupted-transfer"
  | "transient-transfer-corruption"
  | "blob-missing"
  | "manifest-missing"
  | "image-diff-id-wrong"
  | "tag-moved"
  | NonIntegrity["cause"]
  | "undetermined";

/** Why nothing could be decided, kept apart so scripts and people can act on it. */
export type UndeterminedReason = "registry-unreachable" | "no-digest" | "digest-not-found" | "not-checked";

/** What diagnose learnt beyond the evidence: whether the named image resolves, whether every lookup failed on the network. */
export interface VerdictContext {
  namedImageMissing?: boolean;
  allLookupsUnreachable?: boolean;
}

/** The verdict: which cause fits the evidence, why, and what to do next. */
export interface Verdict {
  cause: Cause;
  /** Whether the error is about content not matching its digest at all. */
  integrity: boolean;
  /** One paragraph: why this cause fits. */
  explanation: string;
  /** What to do, most useful first. Never "remove the digest pin". */
  nextSteps: string[];
  /** For "undetermined": why nothing could be checked. */
  undetermined?: UndeterminedReason;
}

const KEEP_PIN = "Keep the digest pin: it is what caught this; removing it would only hide the problem.";
const ALTERNATIVES =
  "Build from a verified copy meanwhile: a mirror that verifies, or the previous known-good digest from your lockfile history (`digestguard diagnose --alternatives` lists those it verified).";

/**
 * Decide which cause fits: the error's shape and digests, where the digest
 * belongs, and what each source serves now. Pure: every input is data. No
 * verdict says content "verifies now" unless a source was located and
 * re-fetched; when nothing could be checked the verdict is "undetermined"
 * with the reason apart.
 *
 * @example
 * ```ts
 * classifyCause(parsed, location, evidence).cause; // "mirror-serves-bad-bytes"
 * ```
 */
export function classifyCause(
  parsed: ParsedErrorText,
  location: DigestLocation | undefined,
  evidence: SourceEvidence[],
  context: VerdictContext = {},
): Verdict {
  const other = nonIntegrityVerdict(parsed);
  if (other !== undefined) return { ...other, integrity: false };
  const missing = missingContentVerdict(parsed, location, evidence, context);
  if (missing !== undefined) return missing;
  const advice = adviceFor(parsed.tool, {
    ...(parsed.expected ? { digest: parsed.expected } : {}),
    ...(parsed.imageReference ? { image: parsed.imageReference } : {}),
  });
  const origin = evidence.find((e) => e.kind === "registry");
  const badMirrors = evidence.filter(
    (e) => e.kind === "mirror" && (e.outcome === "mismatch" || e.outcome === "missing"),
  );
  const badEngines = evidence.filter((e) => e.kind === "engine" && e.outcome === "mismatch");
  const cache = evidence.find((e) => e.kind === "cache");
  if (origin?.outcome === "mismatch") {
    const same = origin.failure?.actualDigest !== undefined && origin.failure.actualDigest === parsed.actual;
    return verdict(
      "registry-serves-bad-bytes",
      `The registry itself serves bytes that do not match ${parsed.expected ?? "the digest"} (${origin.failure?.meaning})${same ? " — exactly the bytes your build received, so this is reproducible, not a network fluke" : ""}.`,
      [
        KEEP_PIN,
        "Report it to the image maintainers / registry operator and attach the report (`--report FILE`).",
        ALTERNATIVES,
      ],
    );
  }
  if (badEngines.length > 0) {
    const what =
      location?.role === "layer"
        ? `layer ${location.layerIndex ?? ""} (${location.descriptor.digest})`
        : (location?.descriptor.digest ?? parsed.expected ?? "the blob");
    return verdict(
      "engine-holds-bad-copy",
      `Your local ${badEngines.map((e) => e.source).join(" and ")} holds a corrupt copy of ${what}${origin?.outcome === "ok" ? ", while the registry serves correct bytes" : ""}; the builder will keep failing until that copy is removed.`,
      [KEEP_PIN, ...badEngines.map((e) => e.remedy ?? advice.clean)],
    );
  }
  if (badMirrors.length > 0 && origin?.outcome === "ok") {
    return verdict(
      "mirror-serves-bad-bytes",
      `The mirror${badMirrors.length > 1 ? "s" : ""} ${badMirrors.map((m) => m.source).join(", ")} serve${badMirrors.length > 1 ? "" : "s"} ${badMirrors[0]?.failure?.meaning ?? "bad content"}, while the registry itself serves correct bytes.`,
      [
        KEEP_PIN,
        `Bypass or repair the mirror (${badMirrors.map((m) => m.source).join(", ")}): purge the cached blob there, or pull from the origin until it is fixed.`,
        advice.clean,
      ],
    );
  }
  if (cache?.outcome === "mismatch") {
    return verdict(
      "stale-local-cache",
      "The local cache held a corrupt copy (now quarantined), while the registry serves correct bytes.",
      [
        KEEP_PIN,
        "The bad cache entry was moved to quarantine; the next run fetches it again. Run `digestguard cache verify` to check the rest.",
        advice.clean,
      ],
    );
  }
  if (parsed.shape === "diff-id-mismatch" || location?.viaDiffId)
    return diffIdVerdict(parsed, location, origin, advice.clean, context);
  const digestShape = parsed.shape === "commit-digest-mismatch" || parsed.shape === "digest-did-not-match";
  if (
    origin?.outcome === "ok" &&
    digestShape &&
    (location?.role === "manifest" ||
      location?.role === "index" ||
      parsed.refKind === "manifest" ||
      parsed.refKind === "index")
  ) {
    return verdict(
      "tag-moved",
      "The manifest behind the expected digest exists and verifies now. A manifest mismatch with correct content usually means a tag was resolved to one digest and fetched after it moved.",
      [KEEP_PIN, "Build from the digest, not the tag (`digestguard pin`), so resolution and fetch cannot disagree."],
    );
  }
  if (origin?.outcome === "ok" && location !== undefined) return transientVerdict(parsed, advice.clean);
  return undeterminedVerdict(parsed, location, evidence, context);
}

function missingContentVerdict(
  parsed: ParsedErrorText,
  location: DigestLocation | undefined,
  evidence: SourceEvidence[],
  context: VerdictContext,
): Verdict | undefined {
  if (parsed.shape !== "blob-unknown" && parsed.shape !== "manifest-unknown") return undefined;
  const origin = evidence.find((e) => e.kind === "registry");
  if (parsed.shape === "manifest-unknown" && context.namedImageMissing === true) {
    return {
      cause: "manifest-missing",
      integrity: false,
      explanation: `Not a content-integrity error: the registry has no manifest for ${parsed.imageReference ?? "that reference"} (checked now).`,
      nextSteps: [
        "Check the tag or digest for typos and the platform; the image may have been deleted or never pushed under that name.",
        ALTERNATIVES,
      ],
    };
  }
  if (origin?.outcome === "missing") {
    return {
      cause: "blob-missing",
      integrity: false,
      explanation: `Not a content-integrity error: the registry no longer has ${location?.descriptor.digest ?? parsed.expected} (${origin.failure?.message ?? "not found"}).`,
      nextSteps: ["Restore it from a verified backup (`digestguard mirror`).", ALTERNATIVES],
    };
  }
  if (origin?.outcome === "ok") {
    return {
      cause: "blob-missing",
      integrity: false,
      explanation: `Not a content-integrity error: ${location?.descriptor.digest ?? parsed.expected} was missing where the tool looked, but the registry serves it intact now — a missing local or mirrored copy, or a push that had not finished.`,
      nextSteps: [adviceFor(parsed.tool).clean, "Retry the pull."],
    };
  }
  const undetermined = undeterminedVerdict(parsed, location, evidence, context);
  return {
    ...undetermined,
    integrity: false,
    explanation: `Not a content-integrity error: content was missing, not wrong. ${undetermined.explanation}`,
    nextSteps: undetermined.nextSteps.filter((step) => step !== KEEP_PIN),
  };
}

function transientVerdict(parsed: ParsedErrorText, clean: string): Verdict {
  if (parsed.actualIsEmpty) {
    return verdict(
      "empty-body",
      "Your build received an empty body (the sha256 of zero bytes) but the registry serves the right bytes now (re-fetched and verified): a proxy, CDN or registry answered once with an empty response.",
      [KEEP_PIN, clean, "If it recurs, look at the proxy or CDN between the builder and the registry."],
    );
  }
  if (
    parsed.shape === "unexpected-eof" ||
    parsed.shape === "commit-size-mismatch" ||
    parsed.shape === "layer-register-failed"
  ) {
    return verdict(
      "interrupted-transfer",
      "The download was cut short, and the registry serves the complete blob now (re-fetched and verified): an interrupted transfer, made sticky by a stale partial download.",
      [
        KEEP_PIN,
        clean,
        "Retry; if it recurs on large layers, look at proxies or timeouts between the builder and the registry.",
      ],
    );
  }
  return verdict(
    "transient-transfer-corruption",
    "The registry serves bytes that match the digest now (re-fetched and verified): the corruption happened in transit or in the builder's partial download, once.",
    [
      KEEP_PIN,
      clean,
      "Retry the build; if it recurs, compare `digestguard verify` from the builder's network with one from elsewhere.",
    ],
  );
}

function diffIdVerdict(
  parsed: ParsedErrorText,
  location: DigestLocation | undefined,
  origin: SourceEvidence | undefined,
  clean: string,
  context: VerdictContext,
): Verdict {
  if (origin?.outcome === "ok" && origin.uncompressedDigest !== undefined && location !== undefined) {
    if (location.viaDiffId && origin.uncompressedDigest !== location.matchedDigest) {
      return verdict(
        "image-diff-id-wrong",
        `The compressed layer verifies, but it decompresses to ${origin.uncompressedDigest}, not the diff_id ${location.matchedDigest} the image config lists: the image was built or pushed wrong.`,
        [KEEP_PIN, "Report it to the image maintainers with this report.", ALTERNATIVES],
      );
    }
    return verdict(
      "transient-transfer-corruption",
      `The layer ${location.descriptor.digest} was re-fetched from the registry and decompresses to its diff_id ${origin.uncompressedDigest}: the unpack failure came from a bad local copy.`,
      [KEEP_PIN, clean],
    );
  }
  return undeterminedVerdict(parsed, location, origin === undefined ? [] : [origin], context);
}

function undeterminedVerdict(
  parsed: ParsedErrorText,
  location: DigestLocation | undefined,
  evidence: SourceEvidence[],
  context: VerdictContext,
): Verdict {
  const wanted = parsed.expected ?? parsed.namedDiffId;
  const unreachable =
    context.allLookupsUnreachable === true ||
    (evidence.length > 0 && evidence.every((e) => e.outcome === "unreachable" || e.outcome === "absent"));
  const reason: UndeterminedReason =
    unreachable || (location !== undefined && evidence.length === 0)
      ? "registry-unreachable"
      : wanted === undefined
        ? "no-digest"
        : location === undefined
          ? "digest-not-found"
          : "not-checked";
  const explanation = {
    "registry-unreachable":
      "Undetermined: nothing could be re-checked because the registry (and every mirror) was unreachable.",
    "no-digest":
      "Undetermined: the text names no digest, so there is nothing to locate and re-check; the layer or image it failed on is unknown.",
    "digest-not-found": `Undetermined: ${wanted} was not found in any candidate image (searched below); give the image with --image, or run where digestguard.lock or the Dockerfile is.`,
    "not-checked": "Undetermined: the content was located but no source could be re-checked.",
  }[reason];
  const retry =
    reason === "registry-unreachable"
      ? "Re-run diagnose where the registry is reachable."
      : "Re-run diagnose with --image REF (the image the build pulled).";
  return { cause: "undetermined", integrity: true, undetermined: reason, explanation, nextSteps: [KEEP_PIN, retry] };
}

function verdict(cause: Cause, explanation: string, nextSteps: string[]): Verdict {
  return { cause, integrity: true, explanation, nextSteps };
}
