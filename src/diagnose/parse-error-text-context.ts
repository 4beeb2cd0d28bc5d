import { parseReference } from "../oci/reference.js";
import type { ErrorTool, RefKind } from "./error-shapes.js";
import { IMAGE_MENTIONS } from "./image-mentions.js";
import type { CleanText } from "./parse-error-text-clean.js";

/** What the text around the errors tells: whose output it is and which blobs were being copied. */
export interface TextContext {
  /** The tool whose output framing the text shows, or "unknown". */
  tool: ErrorTool;
  /** containers-image's `Copying blob|config <digest>` progress lines, by digest and by the 12-hex short form. */
  copyKinds: ReadonlyMap<string, RefKind>;
}

// Output framing, not error wording: each tool's progress lines are unmistakable. BuildKit first,
// because its output quotes containerd's messages; containerd last, because others embed it.
const TOOL_MARKERS: ReadonlyArray<readonly [ErrorTool, RegExp]> = [
  ["buildkit", /^#\d+ |failed to solve|\[internal\] load |^> \[[^\]]+\] FROM /m],
  [
    "dockerd",
    /Pulling fs layer|Error response from daemon|: Pulling from |Verifying Checksum|image config verification failed|GetImageBlob|Pull complete|failed to register layer|error pulling image configuration/,
  ],
  [
    "containers-image",
    /Getting image source signatures|Trying to pull |Copying (?:blob|config) |Writing manifest to image destination|initializing source docker:\/\/|^STEP \d+\/\d+: /m,
  ],
  ["crane", /\bcrane\b|go-containerregistry|error verifying (?:sha256|sha512|size)/],
  [
    "containerd",
    /^ctr: |commit failed:|^unpacking \S+ sha256:|\bnerdctl\b|\bcontainerd\b|rpc error: code = |\bcrictl\b|failed to pull and unpack/m,
  ],
];

/**
 * Read the text-wide context once: the tool whose framing the output
 * shows, and what containers-image said it was copying.
 *
 * @example
 * ```ts
 * readContext(cleanErrorText("Copying blob sha256:…\n…")).copyKinds;
 * ```
 */
export function readContext(clean: CleanText): TextContext {
  const text = clean.lines.join("\n");
  const tool = TOOL_MARKERS.find(([, marker]) => marker.test(text))?.[0] ?? "unknown";
  const copyKinds = new Map<string, RefKind>();
  for (const match of text.matchAll(/Copying (blob|config) (?:(sha256|sha512):)?([a-f0-9]{10,128})\b/g)) {
    const kind: RefKind = match[1] === "config" ? "config" : "layer";
    copyKinds.set(
      match[2] === undefined ? `short:${(match[3] as string).slice(0, 10)}` : `${match[2]}:${match[3]}`,
      kind,
    );
    copyKinds.set(`short:${(match[3] as string).slice(0, 10)}`, kind);
  }
  return { tool, copyKinds };
}

// Plain progress ("#5 [1/6] FROM …") and tty progress ("=> ERROR [1/6] FROM …").
const FROM = /^(?:#\d+ |=> (?:ERROR |CACHED )?)?\[[^\]]+\] FROM (?:--\S+ +)*(\S+)/;
const METADATA = /^(?:#\d+ )?\[internal\] load metadata for (\S+)/;
const SUMMARY = /^> \[[^\]]+\] (?:FROM (?:--\S+ +)*|load metadata for )(\S+?):?$/;

/** Every image mention in a text, found once per text however many errors it holds. */
interface Mentions {
  /** BuildKit step headers by step number, and the summary's and any FROM's images. */
  stepHeaders: Map<string, string>;
  framed: string[];
  /** Per pattern (in priority order), each valid mention with the line it is on. */
  byPattern: Array<Array<{ line: number; image: string }>>;
}

const MENTIONS = new WeakMap<CleanText, Mentions>();

/**
 * The image the text names for the error on line `lineIndex`: for BuildKit
 * the `FROM` (or metadata load) of the failing step, else the most explicit
 * way a tool names what it pulls — the mention nearest before the error,
 * or the first after it. Only strings that parse as references count (so a
 * toleration like `node.kubernetes.io/unreachable:NoExecute` or a masked
 * `xxxxxx` is never taken), and they are returned as written.
 *
 * @example
 * ```ts
 * imageReferenceNear(clean, 12); // "docker.io/library/ruby:3.3-slim@sha256:…"
 * ```
 */
export function imageReferenceNear(clean: CleanText, lineIndex: number): string | undefined {
  const mentions = mentionsOf(clean);
  const step = /^#(\d+) /.exec(clean.lines[lineIndex] ?? "")?.[1];
  const header = step === undefined ? undefined : mentions.stepHeaders.get(step);
  const fromStep = [FROM.exec(header ?? "")?.[1], METADATA.exec(header ?? "")?.[1]].map(trim).find(isImageReference);
  if (fromStep !== undefined) return fromStep;
  const framed = mentions.framed.find(isImageReference);
  if (framed !== undefined) return framed;
  const at = lineIndex < 0 ? Number.MAX_SAFE_INTEGER : lineIndex;
  for (const found of mentions.byPattern) {
    const lastLine = found.filter((m) => m.line <= at).at(-1)?.line;
    const before = lastLine === undefined ? found[0] : found.find((m) => m.line === lastLine);
    if (before !== undefined) return before.image;
  }
  return undefined;
}

function mentionsOf(clean: CleanText): Mentions {
  const cached = MENTIONS.get(clean);
  if (cached !== undefined) return cached;
  const stepHeaders = new Map<string, string>();
  const framed: string[] = [];
  clean.lines.forEach((line) => {
    const step = /^#(\d+) \[/.exec(line)?.[1];
    if (step !== undefined && !stepHeaders.has(step)) stepHeaders.set(step, line);
  });
  for (const line of clean.lines) framed.push(...[SUMMARY.exec(line)?.[1]].map(trim).filter(isImageReference));
  for (const line of clean.lines)
    framed.push(...[FROM.exec(line)?.[1], METADATA.exec(line)?.[1]].map(trim).filter(isImageReference));
  const text = clean.lines.join("\n");
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const byPattern = IMAGE_MENTIONS.map(({ pattern, build }) => {
    const found: Array<{ line: number; image: string }> = [];
    for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))) {
      const image = trim(build ? build(match) : match[1]);
      if (isImageReference(image)) found.push({ line: lineOf(lineStarts, match.index), image });
    }
    return found;
  });
  const mentions = { stepHeaders, framed, byPattern };
  MENTIONS.set(clean, mentions);
  return mentions;
}

function lineOf(starts: number[], at: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

function trim(text: string | undefined): string | undefined {
  return text
    ?.replace(/\.\.\.$/, "")
    .replace(/[:,.;"'`)\\*]+$/, "")
    .replace(/^["'`\\]+/, "");
}

// Names users put where they masked the real one: "xxxxxx", "<IMAGE_PATH>", "[registry/name/tag omitted]".
const PLACEHOLDER = /(?:^|\/)x{3,}(?:$|[/:])|[<>[\]]|\*\*\*/i;
// Kubernetes label and taint domains look like registries but never are.
const NOT_REGISTRIES = /^(?:node|node-role|topology|kubernetes)\.kubernetes\.io\//;

function isImageReference(text: string | undefined): text is string {
  if (text === undefined || text === "" || text.includes("://") || /\/v2\/|\/blobs\//.test(text)) return false;
  if (PLACEHOLDER.test(text) || NOT_REGISTRIES.test(text)) return false;
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}
