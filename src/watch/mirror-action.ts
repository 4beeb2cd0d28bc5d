import { copyImage } from "../image/copy-image.js";
import { parseDigest } from "../oci/digest.js";
import { parseReference, parseRepository } from "../oci/reference.js";
import type { ContentStore } from "../store/content-store.js";
import type { ContentActionHooks } from "./content-actions.js";
import type { WatchLog } from "./watch-log.js";

/** Where a store is opened: the watch's own `openStore` takes the same shape. */
export type OpenRepository = (repo: { registry: string; repository: string }) => ContentStore | Promise<ContentStore>;

/**
 * The `mirror` action for `watch.mirror.to`: copy the tag's new content to
 * `to/<repository>:<tag>` with the copy engine (every blob before its
 * manifest, the tag last), so the backup holds exactly the digest the watch
 * saw, never a later one that the tag moved to meanwhile.
 *
 * @example
 * ```ts
 * const mirror = mirrorTo("backup.internal:5000/hub", openRepository, log);
 * await runCycle({ ...options, mirror });
 * ```
 */
export function mirrorTo(to: string, open: OpenRepository, log: WatchLog): NonNullable<ContentActionHooks["mirror"]> {
  const base = parseRepository(to);
  return async (event, source, signal) => {
    const ref = parseReference(event.reference);
    const tag = ref.tag ?? "latest";
    const destination = await open({ registry: base.registry, repository: `${base.repository}/${ref.repository}` });
    const result = await copyImage(source, { digest: parseDigest(event.to) }, destination, {
      tag,
      what: `${event.reference}@${event.to}`,
      ...(signal ? { signal } : {}),
    });
    log("info", "mirrored new content", {
      reference: event.reference,
      digest: event.to,
      to: `${base.registry}/${base.repository}/${ref.repository}:${tag}`,
      status: result.status,
      bytes: result.bytesUploaded,
    });
  };
}
