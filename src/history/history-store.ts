/** One platform's manifest under an index: `linux/arm64/v8` → its digest. */
export interface PlatformDigest {
  platform: string;
  digest: string;
}

/** What a tag pointed to, or that it was gone, when a check looked. */
export interface Sighting {
  /** The index (or single manifest) digest; undefined when the tag was absent. */
  digest?: string;
  mediaType?: string;
  /** Per-platform manifest digests under an index; empty for a single manifest. */
  platforms: PlatformDigest[];
}

/** A run of identical sightings of one tag: from the first to the last time it was seen so. */
export interface Observation extends Sighting {
  id: number;
  /** `registry/repository:tag` */
  reference: string;
  firstSeen: string;
  lastSeen: string;
}

/** The kinds of change a check classifies; see src/watch/classify-change.ts. */
export type EventKind =
  | "moved"
  | "index-churn"
  | "moved-back"
  | "platform-added"
  | "platform-removed"
  | "tag-deleted"
  | "pin-vanished"
  | "new-tag"
  | "verify-failed"
  | "check-error"
  | "test";

/** A classified change, as stored and as notifiers receive it. */
export interface WatchEvent {
  kind: EventKind;
  reference: string;
  at: string;
  from?: string;
  to?: string;
  /** Kind-specific facts: platforms, error code and message, verify problems. */
  detail?: Record<string, unknown>;
}

/** A stored event with its id. */
export interface StoredEvent extends WatchEvent {
  id: number;
}

/** One notification of one event to one notifier, kept until delivered. */
export interface Delivery {
  /** Stable across retries: receivers deduplicate on it. */
  id: string;
  eventId: number;
  notifier: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt?: string;
  lastError?: string;
}

/** What one check of one tag writes, all in one transaction. */
export interface CheckRecord {
  reference: string;
  at: string;
  /** Undefined when the check failed (a check error records no sighting). */
  sighting?: Sighting;
  events: WatchEvent[];
  /** Notifier names each event goes to (an outbox row per pair). */
  notifyTo: (event: WatchEvent) => string[];
  /** When given, the reference's open conditions after this check (replacing those before). */
  conditions?: string[];
  /** Who checked: kept per reference for the fleet view. */
  worker?: string;
  /**
   * The cycle job this check did: it is marked done in the same transaction.
   * When another worker already did it (this one's lease ran out), nothing is
   * recorded and no event is returned, so an event is never stored twice.
   */
  job?: CycleJob;
}

/** One check of one reference in one cycle, as workers sharing a database claim it. */
export interface CycleJob {
  /** The schedule's tick time (ISO): every worker names a cycle alike without talking. */
  cycle: string;
  reference: string;
}

/** A claim of a cycle's jobs for one worker. */
export interface JobClaim {
  cycle: string;
  registry: string;
  worker: string;
  limit: number;
  /** How long the jobs stay this worker's before another may take them. */
  leaseMs: number;
}

/** A claim of due deliveries for one worker. */
export interface DeliveryClaim {
  dueAt: string;
  worker: string;
  leaseMs: number;
  limit?: number;
}

/** What `dg db status` shows. */
export interface HistoryStatus {
  backend: "sqlite" | "postgres";
  /** The path, or the URL without its password. */
  location: string;
  /** The database's schema version, and the newest this digestguard knows. */
  schema: { version: number; latest: number };
  counts: {
    observations: number;
    events: number;
    deliveries: number;
    pendingDeliveries: number;
    knownTags: number;
  };
}

/** Which worker checked a reference last, and when. */
export interface WorkerCheck {
  reference: string;
  worker: string;
  at: string;
}

/** What one listing of a repository's tags writes, all in one transaction. */
export interface TagListingRecord {
  /** `registry/repository` */
  repository: string;
  at: string;
  /** Tags listed that were not known before. */
  tags: string[];
  events: WatchEvent[];
  notifyTo: (event: WatchEvent) => string[];
}

/** One reference at a glance: its newest observation and its newest event. */
export interface ReferenceSummary {
  reference: string;
  latest?: Observation;
  lastEvent?: StoredEvent;
}

/**
 * Where `watch` keeps what it saw: observations, events and the outbox of
 * notifications. SQLite by default (sqlite-history-store.ts); the methods
 * are async so a PostgreSQL store can implement the same interface.
 */
export interface HistoryStore {
  /** The newest observation of a reference, if any. */
  latest(reference: string): Promise<Observation | undefined>;
  /** Whether the reference ever pointed at `digest` before. */
  hasSeen(reference: string, digest: string): Promise<boolean>;
  /** Record a check: extend or start an observation, add events and their deliveries. */
  recordCheck(record: CheckRecord): Promise<StoredEvent[]>;
  /** The conditions a reference is in (see src/watch/repeat-events.ts), as the last check left them. */
  openConditions(reference: string): Promise<Set<string>>;
  /** Every tag a repository (`registry/repository`) was seen to list; empty before its first listing. */
  knownTags(repository: string): Promise<Set<string>>;
  /** Record a tag listing: remember the new tags, add events and their deliveries. */
  recordTags(record: TagListingRecord): Promise<StoredEvent[]>;
  /** Every observation of a reference, oldest first. */
  timeline(reference: string): Promise<Observation[]>;
  /** The observation in effect at `time` (the newest that started at or before it). */
  observationAt(reference: string, time: string): Promise<Observation | undefined>;
  /** Every reference with observations. */
  references(): Promise<string[]>;
  /**
   * Every reference with an observation or an event, each with its newest
   * observation and newest event, ordered by reference: the dashboard's list
   * in one read instead of two per reference.
   */
  referenceSummaries(): Promise<ReferenceSummary[]>;
  /** Events, newest first. */
  events(options?: { limit?: number; reference?: string }): Promise<StoredEvent[]>;
  /** Add a standalone event (a test notification) and its deliveries. */
  addEvent(event: WatchEvent, notifiers: string[]): Promise<StoredEvent>;
  event(id: number): Promise<StoredEvent | undefined>;
  /**
   * Undelivered deliveries, earliest next attempt first; `dueAt` keeps only
   * those whose next attempt is due, `limit` only the first so many (a long
   * notifier outage can pile up thousands, so readers that serve a request
   * pass one).
   */
  pendingDeliveries(options?: { dueAt?: string; limit?: number }): Promise<Delivery[]>;
  /** How many deliveries are undelivered, counted on the outbox's index without reading them. */
  pendingDeliveryCount(): Promise<number>;
  /** One undelivered delivery by its id; undefined when delivered or unknown. */
  pendingDelivery(id: string): Promise<Delivery | undefined>;
  markDelivered(id: string, at: string): Promise<void>;
  markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void>;
  /**
   * Add the jobs of a cycle (one per reference) unless a worker already did.
   * True for the worker that added them.
   */
  planCycle(cycle: string, jobs: { registry: string; reference: string }[]): Promise<boolean>;
  /** Lease jobs of the cycle and registry that are neither done nor leased (or whose lease ran out). */
  claimJobs(claim: JobClaim): Promise<string[]>;
  /** How many of the cycle's jobs of a registry are not done yet (leased ones included). */
  jobsLeft(cycle: string, registry: string): Promise<number>;
  /**
   * The cycle's jobs of a registry no worker will take any more: claimed
   * too often by workers that died or hung (a check that kills its worker),
   * so a cycle still ends. Empty where jobs are never retried (SQLite).
   */
  givenUpJobs(cycle: string, registry: string): Promise<string[]>;
  /**
   * Mark a job done that records no check (a sync pass's image): false when
   * it already was, by this worker or another whose lease had run out.
   */
  finishJob(job: CycleJob, worker: string): Promise<boolean>;
  /** Lease due, undelivered deliveries to one worker, so exactly one worker sends each. */
  claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]>;
  /**
   * The next request slot of a registry, spaced `gapMs` after the one before
   * across every worker of the database: the epoch ms to start at.
   */
  takeRequestSlot(registry: string, gapMs: number): Promise<number>;
  /** Note that a registry's rate limit reached the floor in a cycle: every worker pauses it for the rest of the cycle. */
  pauseRegistry(cycle: string, registry: string, remaining: number): Promise<void>;
  /** What was left when a worker paused the registry in this cycle; undefined while it is not paused. */
  registryPaused(cycle: string, registry: string): Promise<number | undefined>;
  /** Backend, schema version and row counts, for `dg db status`. */
  status(): Promise<HistoryStatus>;
  /** Which worker checked each reference last: the fleet. */
  workerChecks(): Promise<WorkerCheck[]>;
  close(): Promise<void>;
}
