import { DigestguardError } from "../errors/error.js";
import { parseReference } from "../oci/reference.js";
import type { ExpandedValue, VariableUse } from "./expanded-value.js";
import type { PinTarget } from "./found-reference.js";
import { contiguousRange, sliceSource } from "./source-text.js";

/** How a written reference can be pinned, if at all. */
export interface ReferenceOutcome {
  /** The range reported as written (narrowed to inside quotes when the reference is quoted). */
  start: number;
  end: number;
  resolved?: string;
  unpinnable?: string;
  pinTarget?: PinTarget;
}

/** What a caller knows that the value alone does not tell. */
export interface OutcomeOptions {
  /** Why the value names no image at all (`scratch`, a stage), or undefined. */
  notAnImage?: (value: string) => string | undefined;
  /** Dockerfiles suggest an ARG, compose files a `${VAR:-default}`. */
  style: "dockerfile" | "compose";
}

/**
 * Decide whether a reference written at `written` with the expanded `value`
 * can be pinned, and where. A value whose characters all come, in order, from
 * one place in the file is pinnable: at the reference itself when no variable
 * is involved (inside the quotes if quoted), else at the variable's default
 * (`pinTarget`). A value stitched together from pieces (a variable inside the
 * tag, a line continuation in the middle) is reported with the reason, since
 * writing a digest there would pin something the file does not say — unless
 * it already ends in a literal `@digest`: that is pinned, and its pin target
 * is the digest itself.
 *
 * @example
 * ```ts
 * const text = "FROM alpine:3.19";
 * referenceOutcome(text, { start: 5, end: 16 }, literalValue(fileSource(text, 5, 16)), { style: "dockerfile" });
 * // { start: 5, end: 16, resolved: "alpine:3.19" }
 * ```
 */
export function referenceOutcome(
  fileText: string,
  written: { start: number; end: number },
  value: ExpandedValue,
  options: OutcomeOptions,
): ReferenceOutcome {
  const unpinnable = unpinnableReason(value, options);
  if (unpinnable !== undefined) return { ...written, unpinnable };
  const range = contiguousRange(fileText, value);
  if (range === undefined) {
    const digestTarget = literalDigestTarget(fileText, value);
    if (digestTarget !== undefined) return { ...written, resolved: value.text, pinTarget: digestTarget };
    return { ...written, unpinnable: stitchedReason(value, options.style) };
  }
  if (value.variables.length === 0) return { ...range, resolved: value.text };
  return { ...written, resolved: value.text, pinTarget: { ...range, text: value.text } };
}

// `${REGISTRY}/x:${TAG}@sha256:…` is pinned: the digest decides what is pulled
// whatever the variables say. When that `@digest` is written literally in one
// place, a re-pin can move it there without touching the variables.
function literalDigestTarget(fileText: string, value: ExpandedValue): PinTarget | undefined {
  const at = value.text.lastIndexOf("@");
  if (at === -1 || value.variables.some((use) => use.to > at)) return undefined;
  const digestPart = sliceSource(value, at);
  const range = contiguousRange(fileText, digestPart);
  return range === undefined ? undefined : { ...range, text: digestPart.text };
}

function unpinnableReason(value: ExpandedValue, options: OutcomeOptions): string | undefined {
  const problem = value.variables.find((use) => use.problem !== undefined)?.problem;
  if (problem !== undefined) return problem;
  const notAnImage = options.notAnImage?.(value.text);
  if (notAnImage !== undefined) return notAnImage;
  if (value.text === "") return "the reference is empty";
  try {
    parseReference(value.text);
    return undefined;
  } catch (error) {
    if (!(error instanceof DigestguardError)) throw error;
    // The message reads `Cannot parse reference "…": <reason>.`; keep the reason.
    const cut = error.message.indexOf('": ');
    return `not a valid image reference: ${cut === -1 ? error.message : error.message.slice(cut + 3).replace(/\.$/, "")}`;
  }
}

function stitchedReason(value: ExpandedValue, style: OutcomeOptions["style"]): string {
  const partial = value.variables.find((use) => use.from > 0 || use.to < value.text.length);
  if (partial === undefined) {
    return "it is split by a line continuation, quotes or escapes: write it as one plain word on one line to pin it";
  }
  const where = partOf(value.text, partial);
  if (style === "compose") {
    return `built from variable ${partial.name} inside the ${where}: move the whole image reference into one variable (\${IMAGE:-${value.text}}) to pin it`;
  }
  return `built from ARG ${partial.name} inside the ${where}: move the whole image reference into one ARG (ARG BASE=${value.text}) to pin it`;
}

function partOf(reference: string, use: VariableUse): "name" | "tag" | "digest" {
  const at = reference.indexOf("@");
  const name = at === -1 ? reference : reference.slice(0, at);
  const colon = name.lastIndexOf(":");
  const tagStart = colon > name.lastIndexOf("/") ? colon : name.length;
  if (at !== -1 && use.from > at) return "digest";
  return use.from > tagStart ? "tag" : "name";
}
