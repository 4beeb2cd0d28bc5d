import type { ContentStore, Target } from "../store/content-store.js";

/** A way forward: content to build from instead, and whether it was proven to help. */
export interface Alternative {
  kind: "previous-digest" | "other-tag" | "mirror" | "cache";
  /** What to build from: a reference with its digest, or the mirror or cache location. */
  reference: string;
  /** True only when it was verified now and serves what the build needs intact. */
  helps: boolean;
  /** "verified: …" or "does not help: …", in plain words. */
  detail: string;
  /** Whether it carries the failing layer (the same content under another name). */
  carriesFailingContent?: boolean;
  /** Where it came from: the lockfile commit, other tags naming the same manifest. */
  from?: string;
}

/** How alternatives reach a registry: the origin's own store for a reference. */
export type OpenOrigin = (reference: string) => Promise<{ name: string; store: ContentStore; target: Target }>;
