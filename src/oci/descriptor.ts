import type { Digest } from "./digest.js";

/** An OS/architecture pair, as in an index entry's `platform` field. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
  features?: string[];
}

/**
 * A content descriptor: what a piece of content is, its digest and exact size.
 * The digest and size are the contract every fetched byte is checked against.
 */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
  artifactType?: string;
  data?: string;
}
