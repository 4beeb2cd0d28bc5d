import { parseReference } from "../oci/reference.js";
import type { ErrorTool, RefKind } from "./error-shapes.js";
import type { CleanText } from "./parse-error-text-clean.js";

/** What the text around the errors tells: whose output it is and which blobs were being copied. */
export interface TextContext {
  /** The tool whose output framing the text shows, or "unknown". */
  tool: ErrorTool;
  /** containers-image's `Copying blob|config <digest>` progress lines, by digest. */
  copyKinds: ReadonlyMap<string, RefKind>;
}

// Output framing, not error wording: each tool's progress lines are unmistakable. BuildKit first,
// because its output quotes containerd's messages; containerd last, because others embed it.
const TOOL_MARKERS: ReadonlyArray<readonly [ErrorTool, RegExp]> = [
  ["buildkit", /^#\d+ |failed to solve|\[internal\] load |^> \[[^\]]+\] FROM /m],
  ["dockerd", /Pulling fs layer|Error response from daemon|: Pulling from |Verifying Checksum|image config verification failed/],
  ["containers-image", /Getting image source signatures|Trying to pull |Copying (?:blob|config) |Writing manifest to image destination|initializing source docker:\/\/|^STEP \d+\/\d+: /m],
  ["crane", /\bcrane\b|go-containerregistry|error verifying (?:sha256|sha512|size)/],
  ["containerd", /^ctr: |commit failed:|^unpacking \S+ sha256:|\bnerdctl\b|\bcontainerd\b|rpc error: code = /m],
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
  for (const match of text.matchAll(/Copying (blob|config) (sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})/g)) {
    copyKinds.set(match[2] as string, match[1] === "config" ? "config" : "layer");
  }
  return { tool, copyKinds };
}

// Plain progress ("#5 [1/6] FROM …") and tty progress ("=> ERROR [1/6] FROM …").
const FROM = /^(?:#\d+ |=> (?:ERROR |CACHED )?)?\[[^\]]+\] FROM (?:--\S+ +)*(\S+)/;
const METADATA = /^(?:#\d+ )?\[internal\] load metadata for (\S+)/;
const SUMMARY = /^> \[[^\]]+\] (?:FROM (?:--\S+ +)*|load metadata for )(\S+?):?$/;
const ELSEWHERE: readonly RegExp[] = [
  /Trying to pull (\S+?)\.\.\./,
  /^STEP \d+\/\d+: FROM (\S+)/m,
  /failed to resolve reference "([^"]+)"/,
  /initializing source docker:\/\/(\S+?):? /,
  /manifest for (\S+) not found/,
  /pull access denied for ([^\s,]+)/,
  /^(\S+): +(?:resolved|resolving|waiting) +\|/m,
  // Any other registry-qualified name with a tag or digest, e.g. in "failed to copy: … docker.io/library/ruby:3.3@sha256:…".
  /(?<![\w.:/@-])((?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?\/[a-z0-9._/-]+(?::\w[\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64}))/,
];

/**
 * The image the text names for the error on line `lineIndex`: for BuildKit
 * the `FROM` (or metadata load) of the failing step, else the first place
 * a tool names what it pulls. Only strings that parse as references count,
 * and they are returned as written.
 *
 * @example
 * ```ts
 * imageReferenceNear(clean, 12); // "docker.io/library/ruby:3.3-slim@sha256:…"
 * ```
 */
export function imageReferenceNear(clean: CleanText, lineIndex: number): string | undefined {
  const step = /^#(\d+) /.exec(clean.lines[lineIndex] ?? "")?.[1];
  const candidates: Array<string | undefined> = [];
  if (step !== undefined) {
    const header = clean.lines.find((line) => line.startsWith(`#${step} [`));
    candidates.push(FROM.exec(header ?? "")?.[1], METADATA.exec(header ?? "")?.[1]);
  }
  for (const line of clean.lines) candidates.push(SUMMARY.exec(line)?.[1]);
  for (const line of clean.lines) candidates.push(FROM.exec(line)?.[1], METADATA.exec(line)?.[1]);
  const text = clean.lines.join("\n");
  for (const pattern of ELSEWHERE) {
    for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) candidates.push(match[1]);
  }
  return candidates.map((candidate) => candidate?.replace(/[:,.;"')]+$/, "")).find(isImageReference);
}

function isImageReference(text: string | undefined): text is string {
  if (text === undefined || text === "" || text.includes("://") || /\/v2\/|\/blobs\//.test(text)) return false;
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}
