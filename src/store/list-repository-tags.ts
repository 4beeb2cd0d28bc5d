import { parseRepository } from "../oci/reference.js";
import type { RegistryClient } from "../registry/registry-client.js";
import { OciLayoutStore } from "./oci-layout.js";
import { RegistryStore } from "./registry-store.js";

/** How `listRepositoryTags` reaches a registry, and how it asks. */
export interface ListTagsOptions {
  /** The registry client, made on first use; `registry` is the host named, for credentials. */
  client: (registry: string) => Promise<RegistryClient>;
  /** Tags asked for per page (a registry's own default otherwise). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Every tag of a repository (`alpine`, `127.0.0.1:5000/app`,
 * `docker://host/repo`) or of an OCI layout (`oci:./layout`,
 * `ocidir://./layout`), following the registry's pagination.
 *
 * @example
 * ```ts
 * const { repository, tags } = await listRepositoryTags("oci:./demo-layout", { client });
 * ```
 */
export async function listRepositoryTags(
  repo: string,
  options: ListTagsOptions,
): Promise<{ repository: string; tags: string[] }> {
  const { pageSize, signal } = options;
  const layout = /^(?:oci:|ocidir:\/\/)(.+)$/.exec(repo);
  if (layout !== null) {
    const store = await OciLayoutStore.open(layout[1] as string);
    return { repository: store.location, tags: await store.listTags({ signal }) };
  }
  const name = parseRepository(repo.replace(/^docker:\/\//, ""));
  const store = new RegistryStore(await options.client(name.registry), name);
  return { repository: store.location, tags: await store.client.listTags(store.repo, { pageSize, signal }) };
}
