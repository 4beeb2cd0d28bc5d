import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import type { HistoryStore, StoredEvent, WatchEvent } from "../history/history-store.js";
import type { ContentStore } from "../store/content-store.js";
import { checkError } from "./check-target.js";
import type { WatchTarget } from "./watch-targets.js";

/** One repository whose tag list is read each cycle, with the filters new tags are matched against. */
export interface TagWatch {
  registry: string;
  repository: string;
  filters: RegExp[];
}

/**
 * The repositories to list: each repository with a `newTags` filter, once,
 * with every filter its images give.
 *
 * @example
 * ```ts
 * tagWatches([{ registry: "r", repository: "app", newTags: "^1\\.", … }]); // [{ registry: "r", repository: "app", filters: [/^1\./] }]
 * ```
 */
export function tagWatches(targets: readonly WatchTarget[]): TagWatch[] {
  const watches = new Map<string, TagWatch>();
  for (const target of targets) {
    if (target.newTags === undefined) continue;
    const key = `${target.registry}/${target.repository}`;
    const watch = watches.get(key) ?? { registry: target.registry, repository: target.repository, filters: [] };
    watch.filters.push(newTagsFilter(target.newTags));
    watches.set(key, watch);
  }
  return [...watches.values()];
}

/**
 * Compile a `newTags` pattern; a bad one is a config error (so a reload naming one is refused).
 *
 * @example
 * ```ts
 * newTagsFilter("^3\\.\\d+$").test("3.20"); // true
 * ```
 */
export function newTagsFilter(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot use newTags "${pattern}": ${(error as Error).message}; write a JavaScript regular expression such as "^3\\.\\d+$".`,
    );
  }
}

/**
 * The most `new-tag` events one repository raises in a cycle: a registry
 * adding thousands of tags at once would otherwise send as many
 * notifications. The last event raised counts the rest in `detail.more`.
 */
export const NEW_TAG_EVENTS_PER_CYCLE = 100;

/**
 * List a repository's tags (one request) and raise `new-tag` for each tag
 * not listed before that matches a filter, at most
 * {@link NEW_TAG_EVENTS_PER_CYCLE} a cycle (every listed tag is remembered,
 * so the rest are never raised later). The first listing is a baseline:
 * it remembers every tag and raises nothing. A failed listing is a
 * `check-error` of the repository.
 *
 * @example
 * ```ts
 * const stored = await checkNewTags(watch, { store, history, at, notifyTo });
 * ```
 */
export async function checkNewTags(
  watch: TagWatch,
  deps: {
    store: ContentStore;
    history: HistoryStore;
    at: string;
    notifyTo: (event: WatchEvent) => string[];
    signal?: AbortSignal;
  },
): Promise<StoredEvent[]> {
  const repository = `${watch.registry}/${watch.repository}`;
  const { at, history, notifyTo } = deps;
  let listed: string[];
  try {
    listed = await deps.store.listTags({ signal: deps.signal });
  } catch (error) {
    if (isAborted(error)) throw error;
    return history.recordTags({ repository, at, tags: [], events: [checkError(repository, at, error)], notifyTo });
  }
  const known = await history.knownTags(repository);
  const fresh = listed.filter((tag) => !known.has(tag));
  const matching = known.size === 0 ? [] : fresh.filter((tag) => watch.filters.some((filter) => filter.test(tag)));
  return history.recordTags({ repository, at, tags: fresh, events: newTagEvents(repository, matching, at), notifyTo });
}

// The first NEW_TAG_EVENTS_PER_CYCLE tags as events; the last of them says how many more there were.
function newTagEvents(repository: string, tags: string[], at: string): WatchEvent[] {
  const raised = tags.slice(0, NEW_TAG_EVENTS_PER_CYCLE);
  const more = tags.length - raised.length;
  return raised.map((tag, i) => ({
    kind: "new-tag",
    reference: `${repository}:${tag}`,
    at,
    ...(more > 0 && i === raised.length - 1
      ? { detail: { more, message: `and ${more} more new tags in ${repository} this cycle, not raised one by one` } }
      : {}),
  }));
}
