/** How serious a finding is (maps to SARIF levels and GitHub annotation commands). */
export type Severity = "error" | "warning" | "note";

/**
 * One thing `pin --check` or `check` found. `file`/`line` point at the
 * reference in a Dockerfile or compose file when there is one, else at the
 * lockfile.
 */
export interface Finding {
  /** Stable identifier: unpinned, not-locked, differs-from-lock, cannot-pin, missing, content-mismatch, drift, could-not-check, mirror-stale, not-in-mirror, mirror-corrupt, pin-interrupted. */
  rule: FindingRule;
  severity: Severity;
  message: string;
  file: string;
  line?: number;
  reference?: string;
  /** For could-not-check: the exit code of the error that stopped the check. */
  exitCode?: number;
}

export type FindingRule =
  | "unpinned"
  | "not-locked"
  | "differs-from-lock"
  | "cannot-pin"
  | "missing"
  | "content-mismatch"
  | "drift"
  | "could-not-check"
  | "mirror-stale"
  | "not-in-mirror"
  | "mirror-corrupt"
  | "pin-interrupted";

/** What each rule means, for SARIF rule descriptions and `--help`. */
export const FINDING_RULES: Record<FindingRule, string> = {
  unpinned: "An image reference is not pinned by digest.",
  "not-locked": "A pinned reference has no entry in digestguard.lock.",
  "differs-from-lock": "A reference is pinned to a digest other than the one in digestguard.lock.",
  "cannot-pin": "A reference cannot be pinned as written (built from a variable, split across lines, …).",
  missing: "A pinned digest no longer exists in its registry.",
  "content-mismatch": "A pinned image's content no longer verifies against its digests.",
  drift: "The tag now points to a different digest than the one pinned.",
  "could-not-check": "The registry could not be reached or refused access, so the image was not checked.",
  "mirror-stale": "A mirror serves a tag at another digest than the registry itself: the mirror has not caught up.",
  "not-in-mirror": "A pinned digest is not in the mirror that should hold it (check --coverage).",
  "mirror-corrupt": "A mirror's copy of a pinned image does not verify against its digests (check --coverage).",
  "pin-interrupted": "A pin was killed after its commit point; the next pin finishes it.",
};
