import type { WatchSettings } from "../config/config-schema.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";
import { parseReference } from "../oci/reference.js";

/** One tag `watch` checks each cycle. */
export interface WatchTarget {
  /** `registry/repository:tag`, the key of its history. */
  reference: string;
  registry: string;
  repository: string;
  tag: string;
  /** Digests a lockfile pins for this tag: reported when they vanish upstream. */
  pins: string[];
  /** `newTags` of the image's config: report new tags of the repository matching it. */
  newTags?: string;
}

/**
 * The tags to watch: every image of `watch.images` and every tagged pin of
 * the lockfile, each once (a lockfile pin adds its digest to the tag's pins).
 *
 * @example
 * ```ts
 * watchTargets({ version: 1, images: ["alpine:3.19"] }, undefined); // [{ reference: "docker.io/library/alpine:3.19", … }]
 * ```
 */
export function watchTargets(settings: WatchSettings | undefined, lock: Lockfile | undefined): WatchTarget[] {
  const targets = new Map<string, WatchTarget>();
  const add = (text: string, pin?: string, newTags?: string): void => {
    const ref = parseReference(text);
    const tag = ref.tag ?? "latest";
    const reference = `${ref.registry}/${ref.repository}:${tag}`;
    const target = targets.get(reference) ?? {
      reference,
      registry: ref.registry,
      repository: ref.repository,
      tag,
      pins: [],
    };
    if (pin !== undefined && !target.pins.includes(pin)) target.pins.push(pin);
    if (newTags !== undefined) target.newTags = newTags;
    targets.set(reference, target);
  };
  for (const image of settings?.images ?? [])
    typeof image === "string" ? add(image) : add(image.ref, undefined, image.newTags);
  for (const image of lock?.images ?? []) {
    const ref = parseReference(image.reference);
    if (image.tag === undefined && ref.tag === undefined) continue;
    add(`${ref.registry}/${ref.repository}:${image.tag ?? ref.tag}`, image.digest);
  }
  return [...targets.values()];
}
