import { isScalar, type Node } from "yaml";
import { literalValue, type ExpandedValue } from "./expanded-value.js";
import { foundReference, type FoundReference, type ReferenceKind } from "./found-reference.js";
import { referenceOutcome } from "./reference-outcome.js";
import { fileSource, type SourceText } from "./source-text.js";
import { expandComposeValue } from "./variable-expansion.js";

/** How a YAML file reads an image value. */
export interface YamlReferenceOptions {
  kind: ReferenceKind;
  /** Compose interpolates `${VAR:-default}`; Kubernetes and workflows take the text as it is. */
  interpolation: "compose" | "none";
  /** Why a value names no image (a workflow expression), or undefined. */
  notAnImage?: (value: string) => string | undefined;
}

/**
 * A found reference for a YAML scalar holding an image, or undefined when the
 * node is no string. Plain and quoted one-line scalars are rewritten in place
 * (inside the quotes); block scalars, escapes and folded lines are reported
 * as unpinnable, because their text in the file differs from their value.
 *
 * @example
 * ```ts
 * yamlReference(text, "compose.yaml", imageNode, { kind: "compose-image", interpolation: "compose" });
 * ```
 */
export function yamlReference(
  text: string,
  file: string,
  node: Node | undefined,
  options: YamlReferenceOptions,
): FoundReference | undefined {
  if (!isScalar(node) || typeof node.value !== "string" || node.value === "" || !node.range) return undefined;
  const [start, end] = node.range;
  const source = verbatimSource(text, start, end, node.value);
  if (source === undefined) {
    const unpinnable =
      "written as a YAML block scalar, with escapes or across lines: write it as a one-line value to pin it";
    return foundReference(text, file, start, end, { kind: options.kind, unpinnable });
  }
  const value: ExpandedValue = options.interpolation === "compose" ? expandComposeValue(source) : literalValue(source);
  const valueStart = source.offsets[0] as number;
  const written = { start: valueStart, end: valueStart + source.text.length };
  const outcome = referenceOutcome(text, written, value, {
    style: "compose",
    ...(options.notAnImage === undefined ? {} : { notAnImage: options.notAnImage }),
  });
  const { start: from, end: to, ...details } = outcome;
  return foundReference(text, file, from, to, { kind: options.kind, ...details });
}

/** The scalar's value as file characters, when the file holds it verbatim (plain, or quoted without escapes). */
function verbatimSource(text: string, start: number, end: number, value: string): SourceText | undefined {
  const raw = text.slice(start, end);
  if (raw === value) return fileSource(text, start, end);
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]);
  if (quoted && raw.slice(1, -1) === value) return fileSource(text, start + 1, end - 1);
  return undefined;
}
