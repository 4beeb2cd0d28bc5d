import { listRepositoryTags } from "../../store/list-repository-tags.js";
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
    const client = (host: string) => {
      registry.name(host);
      return registry.get();
    };
    const { repository, tags } = await listRepositoryTags(repo, { client, pageSize, signal });
    await writeOut(
      flags.json
        ? `${JSON.stringify({ schemaVersion: 1, repository, tags }, null, 2)}\n`
        : tags.map((t) => `${t}\n`).join(""),
    );
    return 0;
  } finally {
    await registry.close();
  }
}
