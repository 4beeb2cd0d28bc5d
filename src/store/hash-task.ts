// The messages between the hash pool (src/store/hash-worker-pool.ts) and its
// workers (src/store/hash-worker.ts), in a file of their own so that both
// sides, and the worker's deep half, share them without importing each other.

/** A file to hash, as the pool sends it. */
export interface HashTask {
  id: number;
  path: string;
  algorithm: "sha256" | "sha512";
  deep: boolean;
}

/** What the worker answers. */
export interface HashAnswer {
  id: number;
  digest?: string;
  size?: number;
  uncompressedDigest?: string;
  error?: { code?: string; message: string; details?: Record<string, unknown> };
}
