import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { digestAlgorithm, digestHex, type Digest } from "../oci/digest.js";
import { verifyingStream } from "../oci/verifying-stream.js";

/** A local engine's content-addressed blob store, read only. */
export interface EngineStore {
  /** How the evidence names it: "containerd (/var/lib/containerd)". */
  name: string;
  /** The folder holding `blobs/<algorithm>/<hex>`. */
  blobsRoot: string;
  /** How to remove a blob from it, in the engine's own commands. */
  remedy: (digest: Digest) => string;
}

/** What one engine store holds for a digest. */
export type EngineCopy =
  | { outcome: "absent" }
  | { outcome: "ok" }
  | { outcome: "mismatch"; error: unknown }
  | { outcome: "unreadable"; error: unknown };

/**
 * containerd's content store under its root (`--root`, default
 * /var/lib/containerd): `<root>/io.containerd.content.v1.content`.
 *
 * @example
 * ```ts
 * containerdStore("/var/lib/containerd", "k8s.io").remedy(digest); // "ctr -n k8s.io content rm sha256:…"
 * ```
 */
export function containerdStore(root = "/var/lib/containerd", namespace = "k8s.io", address?: string): EngineStore {
  const ctr = `ctr${address === undefined ? "" : ` --address ${address}`} -n ${namespace}`;
  return {
    name: `containerd (${root})`,
    blobsRoot: join(root, "io.containerd.content.v1.content"),
    remedy: (digest) =>
      `Your local containerd holds a corrupt copy: remove it with \`${ctr} content rm ${digest}\` (and \`crictl rmi IMAGE\` for the image that uses it), then pull again.`,
  };
}

/**
 * BuildKit's own content store (buildkitd with the OCI worker, default root
 * /var/lib/buildkit/runc-overlayfs): `<root>/content`.
 *
 * @example
 * ```ts
 * buildkitStore().blobsRoot; // "/var/lib/buildkit/runc-overlayfs/content"
 * ```
 */
export function buildkitStore(root = "/var/lib/buildkit/runc-overlayfs"): EngineStore {
  return {
    name: `BuildKit (${root})`,
    blobsRoot: join(root, "content"),
    remedy: () =>
      "Your local BuildKit holds a corrupt copy: remove it with `buildctl prune --all` (or `docker builder prune --all`), then build again.",
  };
}

/**
 * Read the engine's copy of a blob, when it has one and it is readable, and
 * verify it through the same verifying stream every other read uses.
 *
 * @example
 * ```ts
 * (await readEngineCopy(containerdStore(), { digest, size })).outcome; // "mismatch"
 * ```
 */
export async function readEngineCopy(
  store: EngineStore,
  blob: { digest: Digest; size: number },
  signal?: AbortSignal,
): Promise<EngineCopy> {
  const path = join(store.blobsRoot, "blobs", digestAlgorithm(blob.digest), digestHex(blob.digest));
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) return { outcome: "absent" };
  const size = blob.size > 0 ? blob.size : info.size;
  try {
    await pipeline(
      createReadStream(path),
      verifyingStream({ digest: blob.digest, size }, { what: `${store.name} copy of ${blob.digest}` }),
      new Writable({ write: (_c, _e, cb) => cb() }),
      { signal },
    );
    return { outcome: "ok" };
  } catch (error) {
    if (signal?.aborted) throw error;
    const code = (error as { code?: string }).code;
    return code === "EACCES" || code === "EPERM" || code === "EISDIR"
      ? { outcome: "unreadable", error }
      : { outcome: "mismatch", error };
  }
}
