import { z } from "zod";
import { isDigest } from "../oci/digest.js";

const digest = z.string().refine(isDigest, "must be a sha256:/sha512: digest");

const lockedLayer = z.strictObject({
  digest,
  size: z.number().int().nonnegative(),
  mediaType: z.string().min(1),
  diffId: digest.optional(),
});

const lockedPlatform = z.strictObject({
  platform: z.string().min(1),
  manifest: digest,
  config: digest,
  layers: z.array(lockedLayer),
});

const lockedSource = z.strictObject({
  file: z.string().min(1),
  line: z.number().int().positive(),
  written: z.string().min(1),
});

const lockedImage = z.strictObject({
  /** Canonical reference as resolved: registry/repository:tag (or @digest when written so). */
  reference: z.string().min(1),
  tag: z.string().min(1).optional(),
  /** The digest pinned in the files: the index, or one platform's manifest. */
  digest,
  mediaType: z.string().min(1),
  /** Set when a single platform's manifest was pinned instead of the index. */
  platform: z.string().min(1).optional(),
  resolvedAt: z.string().datetime(),
  /** Host that served it: the registry, or the mirror that answered. */
  resolvedFrom: z.string().min(1),
  sources: z.array(lockedSource).min(1),
  platforms: z.array(lockedPlatform),
});

/** The schema of `digestguard.lock` (JSON), version 1. Unknown keys are errors. */
export const lockfileSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  /**
   * The kinds of file pin scanned; later pins, `pin --check` and `check`
   * scan the same kinds. Absent in older lockfiles: Dockerfiles and compose.
   */
  kinds: z.array(z.enum(["compose", "dockerfile", "kubernetes", "workflow"])).optional(),
  images: z.array(lockedImage),
});

export type Lockfile = z.infer<typeof lockfileSchema>;
export type LockedImage = z.infer<typeof lockedImage>;
export type LockedPlatform = z.infer<typeof lockedPlatform>;
export type LockedLayer = z.infer<typeof lockedLayer>;
export type LockedSource = z.infer<typeof lockedSource>;
