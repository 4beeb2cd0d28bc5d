import { parseRepository } from "../../oci/reference.js";
import { RegistryStore } from "../../store/registry-store.js";
import { OciLayoutStore } from "../../store/oci-layout.js";
import type { ContentStore } from "../../store/content-store.js";
import type { GlobalOptions } from "../global-options.js";
import { positiveNumber, lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard tags`. */
export interface TagsFlags extends GlobalOptions {
  pageSize?: string;
}

/** `digestguard tags REPO`: list a repository's (or layout's) tags. */
export async function tagsCommand(repo: string, flags: TagsFlags, { signal }: ActionContext): Promise<number> {
  const pageSize = flags.pageSize === undefined ? undefined : Math.floor(positiveNumber(flags.pageSize, "--page-size"));
  const registry = lazyRegistryClient(flags);
  try {
    const layout = /^(?:oci:|ocidir:\/\/)(.+)$/.exec(repo);
    let store: ContentStore;
    if (layout !== null) {
      store = await OciLayoutStore.open(layout[1] as string);
    } else {
      const name = parseRepository(repo.replace(/^docker:\/\//, ""));
      registry.name(name.registry);
      store = new RegistryStore(await registry.get(), name);
    }
    const tags = store instanceof RegistryStore
      ? await store.client.listTags(store.repo, { pageSize, signal })
      : await store.listTags({ signal });
    await writeOut(flags.json ? `${JSON.stringify({ schemaVersion: 1, repository: store.location, tags }, null, 2)}\n` : tags.map((t) => `${t}\n`).join(""));
    return 0;
  } finally {
    await registry.close();
  }
}
