import { ArgumentScope } from "./dockerfile-arguments.js";
import { expandDockerfileWord } from "./variable-expansion.js";
import { scanDockerfile, type DockerfileInstruction } from "./dockerfile-scanner.js";
import { extractFlags, splitFields, unquoteFlagValue } from "./dockerfile-words.js";
import { literalValue, type ExpandedValue } from "./expanded-value.js";
import { foundReference, type FoundReference, type ReferenceKind } from "./found-reference.js";
import { referenceOutcome } from "./reference-outcome.js";
import { fileSource, sliceSource, type SourceText } from "./source-text.js";

interface Walk {
  text: string;
  file: string;
  escape: string;
  /** Every stage name in the file, lowercased: COPY and mounts may name any of them. */
  allStages: Set<string>;
  /** Stage names defined so far: FROM may only build on an earlier stage. */
  earlierStages: Set<string>;
  globals: ArgumentScope;
  scope: ArgumentScope;
}

/**
 * Find every image reference in a Dockerfile: the `# syntax=` frontend, each
 * `FROM` (stage names and `scratch` reported as unpinnable), `COPY --from=`
 * and `RUN --mount=…,from=`. ARGs declared before the first FROM are
 * substituted into FROM lines; ARGs of a stage into its COPY and RUN flags.
 * Heredoc bodies are never read as instructions. Throws `USAGE` when the
 * file cannot be read as a Dockerfile (bad escape directive, open heredoc).
 *
 * @example
 * ```ts
 * const refs = findDockerfileReferences("ARG V=3.3\nFROM ruby:$V-slim AS app\n", "Dockerfile");
 * // [{ kind: "from", line: 2, written: "ruby:$V-slim", stage: "app",
 * //    unpinnable: "built from ARG V inside the tag: move the whole image reference into one ARG (ARG BASE=ruby:3.3-slim) to pin it", … }]
 * ```
 */
export function findDockerfileReferences(text: string, file: string): FoundReference[] {
  const scanned = scanDockerfile(text, file);
  const globals = ArgumentScope.global();
  const walk: Walk = {
    text,
    file,
    escape: scanned.escape,
    globals,
    scope: globals,
    allStages: stageNames(scanned.instructions),
    earlierStages: new Set(),
  };
  const found: FoundReference[] = [];
  const syntax = scanned.directives.find((directive) => directive.name === "syntax");
  if (syntax !== undefined) {
    const value = literalValue(fileSource(text, syntax.start, syntax.start + syntax.value.length));
    found.push(reference(walk, "syntax", value, value));
  }
  for (const instruction of scanned.instructions) found.push(...instructionReferences(walk, instruction));
  return found;
}

function instructionReferences(walk: Walk, instruction: DockerfileInstruction): FoundReference[] {
  switch (instruction.keyword) {
    case "arg":
      walk.scope.declare(instruction.args, walk.escape);
      return [];
    case "from":
      return fromReference(walk, instruction.args);
    case "copy":
      return flagReferences(walk, instruction.args, "from", "copy-from");
    case "run":
      return flagReferences(walk, instruction.args, "mount", "mount-from");
    default:
      return [];
  }
}

function fromReference(walk: Walk, args: SourceText): FoundReference[] {
  const { flags, rest } = extractFlags(args);
  const [image, as, name] = splitFields(rest);
  walk.scope = walk.globals.stageScope();
  if (image === undefined) return [];
  const stage = as?.text.toLowerCase() === "as" ? name : undefined;
  const platform = flags.find((flag) => flag.name === "platform")?.value;
  const value = expandDockerfileWord(image, walk.globals.lookup, walk.escape);
  const found = reference(walk, "from", image, value, {
    ...(platform === undefined ? {} : { platform: writtenText(walk.text, platform) }),
    ...(stage === undefined ? {} : { stage: stage.text }),
  });
  if (stage !== undefined) walk.earlierStages.add(stage.text.toLowerCase());
  return [found];
}

/** `COPY --from=…` values, or the `from=` fields of `RUN --mount=…` values. */
function flagReferences(walk: Walk, args: SourceText, flagName: string, kind: ReferenceKind): FoundReference[] {
  const found: FoundReference[] = [];
  for (const flag of extractFlags(args).flags) {
    if (flag.name !== flagName || flag.value === undefined) continue;
    const unquoted = unquoteFlagValue(flag.value);
    const written = kind === "mount-from" ? mountFrom(unquoted) : unquoted;
    if (written === undefined || written.text === "") continue;
    found.push(reference(walk, kind, written, expandDockerfileWord(written, walk.scope.lookup, walk.escape)));
  }
  return found;
}

/** The `from=` field of a mount specification (comma-separated key=value fields). */
function mountFrom(spec: SourceText): SourceText | undefined {
  let start = 0;
  for (const field of spec.text.split(",")) {
    const equals = field.indexOf("=");
    if (equals !== -1 && field.slice(0, equals).trim().toLowerCase() === "from") {
      return sliceSource(spec, start + equals + 1, start + field.length);
    }
    start += field.length + 1;
  }
  return undefined;
}

function reference(
  walk: Walk,
  kind: ReferenceKind,
  written: SourceText,
  value: ExpandedValue,
  extra: { platform?: string; stage?: string } = {},
): FoundReference {
  const range = spanOf(written);
  const outcome = referenceOutcome(walk.text, range, value, {
    style: "dockerfile",
    notAnImage: (resolved) => notAnImage(walk, kind, resolved),
  });
  const { start, end, ...details } = outcome;
  return foundReference(walk.text, walk.file, start, end, { kind, ...details, ...extra });
}

function notAnImage(walk: Walk, kind: ReferenceKind, resolved: string): string | undefined {
  const stage = resolved.toLowerCase();
  if (kind === "from" && resolved === "scratch") return "scratch";
  if (kind === "from" && walk.earlierStages.has(stage)) return "stage name";
  if (kind === "copy-from" && /^[0-9]+$/.test(resolved)) return "stage index";
  if ((kind === "copy-from" || kind === "mount-from") && walk.allStages.has(stage)) return "stage name";
  return undefined;
}

function stageNames(instructions: DockerfileInstruction[]): Set<string> {
  const names = new Set<string>();
  for (const instruction of instructions) {
    if (instruction.keyword !== "from") continue;
    const [, as, name] = splitFields(extractFlags(instruction.args).rest);
    if (as?.text.toLowerCase() === "as" && name !== undefined) names.add(name.text.toLowerCase());
  }
  return names;
}

/** The file range from a word's first character to its last, whatever lies between. */
function spanOf(word: SourceText): { start: number; end: number } {
  const first = word.offsets[0] ?? 0;
  return { start: first, end: (word.offsets[word.offsets.length - 1] ?? first - 1) + 1 };
}

function writtenText(text: string, word: SourceText): string {
  const { start, end } = spanOf(word);
  return text.slice(start, end);
}
