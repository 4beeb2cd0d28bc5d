import { z } from "zod";

const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/;

const registrySettings = z.strictObject({
  /** Allow plain HTTP and unverified TLS for this host. */
  insecure: z.boolean().optional(),
  /** PEM file(s) with CAs to trust for this host. */
  ca: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /** Client certificate and key (PEM files) for a registry that wants mutual TLS. */
  clientCert: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Mirrors tried before this registry for reads: host[:port][/prefix]. */
  mirrors: z.array(z.string().min(1)).optional(),
  /** Serve this registry name from OCI layout folders under this path, one per repository (offline). */
  layout: z.string().min(1).optional(),
});

const notifierName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be lowercase letters, digits, - or _");

const notifier = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("webhook"),
    url: z.string().url(),
    /** HMAC-SHA256 key for `X-Digestguard-Signature`; prefer `secretEnv` to keep it out of the file. */
    secret: z.string().min(1).optional(),
    secretEnv: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal("slack"), url: z.string().url() }),
  /** Runs `command` (argv, no shell) with the event JSON on stdin; exit 0 means delivered. */
  z.strictObject({ type: z.literal("command"), command: z.array(z.string().min(1)).min(1) }),
]);

const watchAction = z.enum(["verify", "verify-deep", "mirror", "notify"]);

const watchImage = z.union([
  z.string().min(1),
  z.strictObject({
    /** registry/repository:tag to watch. */
    ref: z.string().min(1),
    /** Also report new tags of the repository that match this regular expression. */
    newTags: z.string().min(1).optional(),
  }),
]);

const watchSettings = z.strictObject({
  version: z.literal(1),
  /** Cron syntax (5 or 6 fields); default every 15 minutes. */
  schedule: z.string().min(1).optional(),
  /** Each cycle starts up to this many seconds late, so many watchers do not strike at once. */
  jitterSeconds: z.number().nonnegative().optional(),
  images: z.array(watchImage).optional(),
  /** Watch the pins of this lockfile too (default: the project's digestguard.lock when there is one); false to skip. */
  lockfile: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** History database (default: $XDG_STATE_HOME/digestguard/history.sqlite). */
  database: z.string().min(1).optional(),
  notifiers: z.record(notifierName, notifier).optional(),
  /** Event kind (or "*") → what to do; default: notify on every event. */
  actions: z.record(z.string().min(1), z.array(watchAction)).optional(),
  /** Where the `mirror` action copies new content: `host[:port]/prefix`; a tag lands at `prefix/<repository>:<tag>`. */
  mirror: z.strictObject({ to: z.string().min(1) }).optional(),
  /** Checks in flight per registry (default 4), requests per second per registry (default unlimited), rate-limit floor (default none). */
  perRegistry: z
    .strictObject({
      concurrency: z.number().int().positive().optional(),
      requestsPerSecond: z.number().positive().optional(),
      /** Pause a registry's checks for the rest of a cycle once it says this many pulls or fewer are left. */
      rateLimitFloor: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** The dashboard, API and metrics (off unless set here or by --listen). */
  listen: z
    .strictObject({
      /** HOST:PORT; loopback unless a token is set. */
      address: z.string().min(1).optional(),
      /** Bearer token for the API (prefer tokenFile or DIGESTGUARD_API_TOKEN). */
      token: z.string().min(1).optional(),
      /** File holding the bearer token, relative to the config. */
      tokenFile: z.string().min(1).optional(),
    })
    .optional(),
  /** Delivery retries: first wait and the longest wait, in seconds (defaults 5 and 3600). */
  retry: z
    .strictObject({ baseSeconds: z.number().positive().optional(), maxSeconds: z.number().positive().optional() })
    .optional(),
});

const syncTags = z.strictObject({
  /** Exactly these tags (each must exist at the source). */
  exact: z.array(z.string().min(1)).optional(),
  /** Only tags matching this regular expression. */
  allow: z.string().min(1).optional(),
  /** No tag matching this regular expression. */
  deny: z.string().min(1).optional(),
  /** Only tags whose version is in this semver range, e.g. `>=3.18 <4` (`3.19` and `v1.2` count as 3.19.0 and 1.2.0; tags that are not versions are dropped). */
  semver: z.string().min(1).optional(),
  /** Of the tags left, the newest N by version order of their names (3.10 after 3.9). */
  newest: z.number().int().positive().optional(),
});

const syncImage = z.strictObject({
  /** registry/repository to copy from. */
  source: z.string().min(1),
  tags: syncTags.optional(),
  /** os/arch[/variant] to copy of an index (default: all). */
  platforms: z.array(z.string().min(1)).optional(),
  /** Where to: a repository template with {registry}, {repo} and {name}; default the section's. */
  target: z.string().min(1).optional(),
  /** Before a target tag moves, tag what it named `<tag>-backup-<UTC date>`; default the section's. */
  backup: z.boolean().optional(),
});

const syncSettings = z.strictObject({
  version: z.literal(1),
  /** Default target template, e.g. `127.0.0.1:5001/hub/{repo}`. */
  target: z.string().min(1).optional(),
  /** Default for every image's `backup` (default false). */
  backup: z.boolean().optional(),
  /** Cron pattern (5 or 6 fields) for `dg sync` as a long-lived process; `--schedule` overrides it. */
  schedule: z.string().min(1).optional(),
  images: z.array(syncImage).min(1),
});

const databaseSettings = z.strictObject({
  /** PostgreSQL for history, events and the outbox, shared by several workers: `postgres://user:password@host/db` (or set DIGESTGUARD_DATABASE_URL). */
  url: z.string().regex(/^postgres(ql)?:\/\//i, "must be a postgres:// or postgresql:// URL"),
});

/** The schema of `digestguard.yaml`, version 1. Unknown keys are errors. */
export const configSchema = z.strictObject({
  version: z.literal(1),
  registries: z.record(z.string().regex(hostPattern, "must be a registry host[:port]"), registrySettings).optional(),
  watch: watchSettings.optional(),
  sync: syncSettings.optional(),
  /** Where watch keeps its history; default a SQLite file (watch.database). */
  database: databaseSettings.optional(),
});

/** A validated `digestguard.yaml`. */
export type Config = z.infer<typeof configSchema>;
export type RegistrySettings = z.infer<typeof registrySettings>;
export type WatchSettings = z.infer<typeof watchSettings>;
export type NotifierSettings = z.infer<typeof notifier>;
export type SyncSettings = z.infer<typeof syncSettings>;
export type SyncImageSettings = z.infer<typeof syncImage>;
