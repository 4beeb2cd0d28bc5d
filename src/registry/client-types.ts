import type { Digest } from "../oci/digest.js";
import type { FetchedManifest } from "../oci/manifest.js";
import type { CredentialOptions } from "./auth/credentials.js";
import type { HostSettings } from "./host-session.js";
import type { HttpTimeouts } from "./http-transport.js";
import type { RequestRetryEvent } from "./request-sender.js";
import type { RetryPolicy } from "./retry.js";

/** A repository in a registry: what every client call addresses. */
export interface RepositoryName {
  registry: string;
  repository: string;
}

/** A tag or a digest inside a repository. */
export interface ManifestTarget {
  tag?: string;
  digest?: Digest;
}

/** How the client reaches registries. */
export interface RegistryClientOptions {
  /** Settings for every host (flags `--insecure`, `--ca-file`). */
  defaults?: HostSettings;
  /** Per-host settings, keyed by host[:port] (config file). */
  hosts?: Record<string, HostSettings>;
  /** Registry name → mirror locations tried before it, for reads. */
  mirrors?: Record<string, string[]>;
  credentials?: CredentialOptions;
  retry?: RetryPolicy;
  timeouts?: Partial<HttpTimeouts>;
  /** Connections kept per origin; bounds concurrency per host. */
  connectionsPerHost?: number;
  /** Told before every retry wait, so a long wait need not be a silent one. */
  onRetry?: (event: RequestRetryEvent) => void;
  /** Told of every answer a registry gives (host and HTTP status), for metrics. */
  onResponse?: (host: string, status: number) => void;
}

/** A manifest as a registry served it, with where it came from. */
export interface RegistryManifest extends FetchedManifest {
  /** The endpoint host that served it (a mirror or the registry). */
  source: string;
  /** Whether that host is a mirror. */
  mirror: boolean;
}

/** Options of a read: `originOnly` skips the mirrors and asks the registry itself. */
export interface ReadOptions {
  signal?: AbortSignal;
  originOnly?: boolean;
}
