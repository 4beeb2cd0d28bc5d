import { DigestguardError } from "../errors/error.js";
import { isDigest } from "../oci/digest.js";
import type { FoundReference } from "./found-reference.js";

/** Replace the characters `start..end` (UTF-16 offsets) with `replacement`. */
export interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

/**
 * Apply edits to a text, in any order. Edits must not overlap; the same edit
 * given twice counts once, because several references can share one pin
 * target (two `FROM ${BASE}` lines pin the one ARG default). Throws `USAGE`
 * on an edit outside the text or on overlapping, different edits.
 *
 * @example
 * ```ts
 * applyEdits("FROM alpine:3", [{ start: 5, end: 13, replacement: "alpine:3@sha256:…" }]);
 * // "FROM alpine:3@sha256:…"
 * ```
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let done = 0;
  let previous: TextEdit | undefined;
  for (const edit of sorted) {
    if (edit.start < 0 || edit.end < edit.start || edit.end > text.length) {
      throw new DigestguardError(
        "USAGE",
        `Cannot apply edit ${edit.start}..${edit.end}: the text is ${text.length} characters long.`,
      );
    }
    if (previous !== undefined && sameEdit(previous, edit)) continue;
    // Two inserts at one point overlap too: their order would be a guess.
    if (previous !== undefined && (edit.start < previous.end || edit.start === previous.start)) {
      throw new DigestguardError(
        "USAGE",
        `Cannot apply edit ${edit.start}..${edit.end}: it overlaps edit ${previous.start}..${previous.end}.`,
      );
    }
    parts.push(text.slice(done, edit.start), edit.replacement);
    done = edit.end;
    previous = edit;
  }
  parts.push(text.slice(done));
  return parts.join("");
}

/**
 * The reference text pinned to `digest`: `@digest` appended, or put in place
 * of the digest already there. The name and tag stay exactly as written —
 * `nginx` stays `nginx`, never `docker.io/library/nginx:latest`. Throws
 * `DIGEST_INVALID` when `digest` is not a sha256/sha512 digest.
 *
 * @example
 * ```ts
 * pinnedText("nginx:1.25", "sha256:" + "a".repeat(64)); // "nginx:1.25@sha256:aaa…"
 * pinnedText("nginx:1.25@sha256:" + "b".repeat(64), "sha256:" + "a".repeat(64)); // "nginx:1.25@sha256:aaa…"
 * ```
 */
export function pinnedText(written: string, digest: string): string {
  if (!isDigest(digest)) {
    throw new DigestguardError(
      "DIGEST_INVALID",
      `Cannot pin "${written}": "${digest}" is not a sha256 or sha512 digest.`,
    );
  }
  const at = written.indexOf("@");
  return `${at === -1 ? written : written.slice(0, at)}@${digest}`;
}

/**
 * The reference text without its `@sha256:…` / `@sha512:…` digest; text
 * without a valid digest is returned unchanged.
 *
 * @example
 * ```ts
 * unpinnedText("nginx:1.25@sha256:" + "a".repeat(64)); // "nginx:1.25"
 * ```
 */
export function unpinnedText(written: string): string {
  const at = written.lastIndexOf("@");
  return at !== -1 && isDigest(written.slice(at + 1)) ? written.slice(0, at) : written;
}

/**
 * The edit that pins a found reference: at its pin target when it has one
 * (the ARG or `${VAR:-…}` default), else at the reference itself. Throws
 * `USAGE` for a reference that cannot be pinned.
 *
 * @example
 * ```ts
 * applyEdits(text, refs.filter((r) => r.resolved && !r.unpinnable).map((r) => pinEdit(r, digestFor(r))));
 * ```
 */
export function pinEdit(reference: FoundReference, digest: string): TextEdit {
  if (reference.unpinnable !== undefined || reference.resolved === undefined) {
    throw new DigestguardError(
      "USAGE",
      `Cannot pin ${reference.file}:${reference.line}: ${reference.unpinnable ?? "nothing to pin"}.`,
    );
  }
  const target = reference.pinTarget ?? reference;
  const text = reference.pinTarget?.text ?? reference.written;
  return { start: target.start, end: target.end, replacement: pinnedText(text, digest) };
}

/**
 * The edit that removes a found reference's digest (at its pin target when
 * it has one), or undefined when it carries none.
 *
 * @example
 * ```ts
 * unpinEdit(ref); // { start, end, replacement: "nginx:1.25" } for "nginx:1.25@sha256:…"
 * ```
 */
export function unpinEdit(reference: FoundReference): TextEdit | undefined {
  const target = reference.pinTarget ?? reference;
  const text = reference.pinTarget?.text ?? reference.written;
  const bare = unpinnedText(text);
  return bare === text ? undefined : { start: target.start, end: target.end, replacement: bare };
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.replacement === b.replacement;
}
