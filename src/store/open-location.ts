import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { parseDigest } from "../oci/digest.js";
import { parseReference, type Reference } from "../oci/reference.js";
import type { RegistryClient } from "../registry/registry-client.js";
import type { ContentStore, Target } from "./content-store.js";
import { OciLayoutStore } from "./oci-layout.js";
import { RegistryStore } from "./registry-store.js";

/** A parsed location: which kind of store, and what inside it. */
export type Location =
  | { kind: "registry"; reference: Reference; target: Target }
  | { kind: "oci-layout"; path: string; target: Target };

/**
 * Parse where an image lives. `oci:PATH[:TAG|@DIGEST]` and
 * `ocidir://PATH[:TAG|@DIGEST]` name an OCI image-layout folder (the tag
 * defaults to `latest`); `docker://REF` or a plain reference names a registry.
 *
 * @example
 * ```ts
 * parseLocation("oci:./layout:1.0");  // { kind: "oci-layout", path: "./layout", target: { tag: "1.0" } }
 * parseLocation("alpine:3.19");       // { kind: "registry", reference: {...}, target: { tag: "3.19" } }
 * ```
 */
export function parseLocation(text: string): Location {
  const layout = /^(?:oci:|ocidir:\/\/)(.*)$/.exec(text);
  if (layout !== null) return parseLayoutLocation(layout[1] as string, text);
  const reference = parseReference(text.startsWith("docker://") ? text.slice("docker://".length) : text);
  const target: Target = {
    ...(reference.tag !== undefined ? { tag: reference.tag } : {}),
    ...(reference.digest !== undefined ? { digest: reference.digest } : {}),
  };
  return { kind: "registry", reference, target };
}

function parseLayoutLocation(rest: string, text: string): Location {
  if (rest === "")
    throw new DigestguardError("REFERENCE_INVALID", `Cannot parse location "${text}": the layout path is empty.`);
  const at = rest.lastIndexOf("@");
  if (at > 0 && /^[a-z0-9]+:/.test(rest.slice(at + 1))) {
    return { kind: "oci-layout", path: rest.slice(0, at), target: { digest: parseDigest(rest.slice(at + 1)) } };
  }
  // Like skopeo: the part after the last ':' is a tag when it cannot be part of a path.
  const colon = rest.lastIndexOf(":");
  if (colon > 0 && !rest.slice(colon + 1).includes("/")) {
    const tag = rest.slice(colon + 1);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) {
      throw new DigestguardError("REFERENCE_INVALID", `Cannot parse location "${text}": "${tag}" is not a valid tag.`);
    }
    return { kind: "oci-layout", path: rest.slice(0, colon), target: { tag } };
  }
  return { kind: "oci-layout", path: rest, target: { tag: "latest" } };
}

/** An opened store and what to look up in it. */
export interface OpenedLocation {
  store: ContentStore;
  target: Target;
  location: Location;
  /** The text to show for this location: the canonical reference or `oci:path:tag`. */
  display: string;
}

/**
 * Open the store a location names; registry stores share `client`.
 *
 * @example
 * ```ts
 * const { store, target } = await openLocation("oci:./demo-layout:1.0", { client });
 * ```
 */
export async function openLocation(
  text: string,
  options: {
    client: () => RegistryClient | Promise<RegistryClient>;
    create?: boolean;
    layouts?: Record<string, string>;
  },
): Promise<OpenedLocation> {
  const location = parseLocation(text);
  const layoutRoot = location.kind === "registry" ? options.layouts?.[location.reference.registry] : undefined;
  if (location.kind === "registry" && layoutRoot !== undefined) {
    // A registry name served from local OCI layouts, one folder per repository (offline and air-gapped use).
    const { registry, repository } = location.reference;
    const store = await OciLayoutStore.open(join(layoutRoot, ...repository.split("/")), {
      create: options.create ?? false,
    });
    return {
      store,
      target: location.target,
      location,
      display: locationDisplay(registry, repository, location.target),
    };
  }
  if (location.kind === "oci-layout") {
    const store = await OciLayoutStore.open(location.path, { create: options.create ?? false });
    const suffix = location.target.digest !== undefined ? `@${location.target.digest}` : `:${location.target.tag}`;
    return { store, target: location.target, location, display: `oci:${location.path}${suffix}` };
  }
  const { registry, repository } = location.reference;
  const store = new RegistryStore(await options.client(), { registry, repository });
  return { store, target: location.target, location, display: locationDisplay(registry, repository, location.target) };
}

/** How a registry location is shown: `registry/repository[:tag][@digest]`. */
export function locationDisplay(registry: string, repository: string, target: Target): string {
  return `${registry}/${repository}${target.tag !== undefined ? `:${target.tag}` : ""}${target.digest !== undefined ? `@${target.digest}` : ""}`;
}
