import { dirname, resolve } from "node:path";
import type { WatchSettings } from "../config/config-schema.js";
import { loadConfig } from "../config/load-config.js";
import { DigestguardError } from "../errors/error.js";
import { isPostgresUrl, type HistoryLocation } from "../history/open-history-store.js";
import { defaultHistoryPath } from "../history/state-path.js";
import { locateLockfile } from "../lockfile/locate-lockfile.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { watchPlan, type WatchPlan } from "./watch-plan.js";
import { watchTargets } from "./watch-targets.js";

/** Where watch reads its settings from. */
export interface WatchSources {
  /** `--config`; else the usual lookup. */
  configPath?: string;
  /** `--lockfile`; else `watch.lockfile`, else the project's lockfile when there is one. */
  lockfilePath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Read `digestguard.yaml`'s `watch:` section and the lockfile, and make the
 * plan: the images named in the config plus every tagged pin of the lockfile
 * (a project's pins are watched with no extra config).
 *
 * @example
 * ```ts
 * const plan = await loadWatchPlan({ configPath: "digestguard.yaml" });
 * ```
 */
export async function loadWatchPlan(
  sources: WatchSources = {},
): Promise<WatchPlan & { settings: WatchSettings | undefined }> {
  const { config, path } = await loadConfig({
    ...(sources.configPath ? { path: sources.configPath } : {}),
    ...(sources.env ? { env: sources.env } : {}),
    ...(sources.cwd ? { cwd: sources.cwd } : {}),
  });
  const settings = config.watch;
  const lockPath = await lockfileFor(settings, sources, path);
  const lock = lockPath === undefined ? undefined : await readLockfile(lockPath);
  const targets = watchTargets(settings, lock);
  if (targets.length === 0) {
    throw new DigestguardError(
      "USAGE",
      "Cannot watch: no images to watch; list them under watch.images in digestguard.yaml or run where a digestguard.lock pins some.",
    );
  }
  return { ...watchPlan(settings, targets, sources.env), settings };
}

async function lockfileFor(
  settings: WatchSettings | undefined,
  sources: WatchSources,
  configPath: string | undefined,
): Promise<string | undefined> {
  if (sources.lockfilePath !== undefined) return resolve(sources.cwd ?? process.cwd(), sources.lockfilePath);
  if (settings?.lockfile === false) return undefined;
  if (typeof settings?.lockfile === "string")
    return resolve(configPath === undefined ? (sources.cwd ?? process.cwd()) : dirname(configPath), settings.lockfile);
  return resolve(sources.cwd ?? process.cwd(), await locateLockfile(sources.cwd ? { cwd: sources.cwd } : {}));
}

/**
 * The history database to use: `--db`, else `watch.database` (relative to
 * the config), else the user's state folder.
 *
 * @example
 * ```ts
 * await historyPathFor({ db: "./h.sqlite" }); // "/abs/h.sqlite"
 * ```
 */
export async function historyPathFor(options: {
  db?: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<string> {
  if (options.db !== undefined) return resolve(options.db);
  const { config, path } = await loadConfig({
    ...(options.configPath ? { path: options.configPath } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const configured = config.watch?.database;
  if (configured !== undefined) return resolve(path === undefined ? process.cwd() : dirname(path), configured);
  return defaultHistoryPath(options.env);
}

/**
 * Where the history is: `--db` (a SQLite path or a PostgreSQL URL), else
 * `$DIGESTGUARD_DATABASE_URL`, else `database.url` in digestguard.yaml (both
 * PostgreSQL), else `watch.database` when it is a PostgreSQL URL, else the
 * SQLite file {@link historyPathFor} names.
 *
 * @example
 * ```ts
 * await historyLocationFor({ env: { DIGESTGUARD_DATABASE_URL: "postgres://db/dg" } }); // { backend: "postgres", … }
 * ```
 */
export async function historyLocationFor(options: {
  db?: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<HistoryLocation> {
  if (options.db !== undefined && isPostgresUrl(options.db)) return { backend: "postgres", url: options.db };
  if (options.db !== undefined) return { backend: "sqlite", path: resolve(options.db) };
  const fromEnv = (options.env ?? process.env)["DIGESTGUARD_DATABASE_URL"];
  if (fromEnv !== undefined && fromEnv !== "") return { backend: "postgres", url: postgresUrl(fromEnv) };
  const { config } = await loadConfig({
    ...(options.configPath ? { path: options.configPath } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (config.database?.url !== undefined) return { backend: "postgres", url: config.database.url };
  // As `--db` takes a file or a URL, so does watch.database: a URL read as a path would become a
  // SQLite file named after the password, and a worker that silently shares nothing.
  const fromWatch = config.watch?.database;
  if (fromWatch !== undefined && isPostgresUrl(fromWatch)) return { backend: "postgres", url: fromWatch };
  return { backend: "sqlite", path: await historyPathFor(options) };
}

function postgresUrl(text: string): string {
  if (isPostgresUrl(text)) return text;
  throw new DigestguardError(
    "USAGE",
    "Cannot use DIGESTGUARD_DATABASE_URL: it is not a postgres:// or postgresql:// URL; set it to one, or unset it to keep the SQLite history.",
  );
}
