import type { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestAlgorithm, digestOf, isDigest, type Digest } from "../oci/digest.js";
import { MAX_MANIFEST_BYTES, parseManifest, type FetchedManifest } from "../oci/manifest.js";
import { MANIFEST_ACCEPT } from "../oci/media-types.js";
import { Authenticator } from "./auth/authenticator.js";
import { findCredentials, type CredentialOptions } from "./auth/credentials.js";
import { originEndpoint, readEndpoints, type Endpoint } from "./endpoints.js";
import { HostSessions, type HostSettings } from "./host-session.js";
import { firstHeader, HttpTransport, type HttpTimeouts } from "./http-transport.js";
import { readLimited } from "./read-limited.js";
import { RequestSender, type RequestRetryEvent, type RequestStats } from "./request-sender.js";
import type { RetryPolicy } from "./retry.js";
import {
  isBodyRefused,
  mountBlob,
  pushBlob,
  pushManifest,
  refuseMalformedTag,
  SMALL_CHUNK_BYTES,
  type PushBlobOptions,
} from "./push.js";
import { rateLimitRemaining } from "./rate-limit.js";
import { listReferrers, type ReferrersAnswer } from "./referrers.js";
import { listTags } from "./tag-list.js";

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

/**
 * Talks the distribution API to registries: resolve, fetch manifests and
 * blobs (verified), check existence, push, list tags. Reads go through the
 * configured mirrors first, then the registry.
 *
 * @example
 * ```ts
 * const client = new RegistryClient();
 * const repo = { registry: "127.0.0.1:5000", repository: "app" };
 * const desc = await client.resolve(repo, { tag: "1.0" });
 * await client.close();
 * ```
 */
export class RegistryClient {
  readonly #http: HttpTransport;
  readonly #sender: RequestSender;
  readonly #mirrors: Record<string, string[]>;
  /** Registries that refused a whole blob in one body (413). */
  readonly #chunkOnly = new Set<string>();

  constructor(options: RegistryClientOptions = {}) {
    this.#http = new HttpTransport({ timeouts: options.timeouts, connectionsPerOrigin: options.connectionsPerHost });
    const settingsFor = (host: string): HostSettings => mergeSettings(options.defaults, options.hosts?.[host]);
    const sessions = new HostSessions(this.#http, settingsFor);
    const auth = new Authenticator(this.#http, (host, repository, signal) =>
      findCredentials(host === "registry-1.docker.io" ? "docker.io" : host, {
        ...options.credentials,
        repository,
        signal,
      }),
    );
    this.#sender = new RequestSender(this.#http, sessions, auth, options.retry, options.onRetry, options.onResponse);
    this.#mirrors = options.mirrors ?? {};
  }

  /** Requests sent so far, by kind. */
  get stats(): RequestStats {
    return this.#sender.stats;
  }

  /**
   * What a tag or digest points to, by HEAD. Falls back to GET only when the
   * registry gives no digest header (then the digest is computed from the bytes).
   */
  async resolve(
    repo: RepositoryName,
    target: ManifestTarget,
    options: ReadOptions = {},
  ): Promise<Descriptor & { source: string; mirror: boolean; rateLimitRemaining?: number }> {
    return this.#read(repo, options, async (endpoint) => {
      const res = await this.#sender.send(endpoint, repo.repository, {
        method: "HEAD",
        path: `manifests/${manifestRef(target)}`,
        headers: { accept: MANIFEST_ACCEPT },
        actions: ["pull"],
        doing: `resolve ${describe(repo, target)}`,
        signal: options.signal,
      });
      await res.body.dump();
      const digest = firstHeader(res.headers, "docker-content-digest");
      const size = Number(firstHeader(res.headers, "content-length"));
      const mediaType = (firstHeader(res.headers, "content-type") ?? "").split(";")[0]?.trim() ?? "";
      if (
        digest === undefined ||
        !isDigest(digest) ||
        !Number.isSafeInteger(size) ||
        mediaType === "" ||
        (target.digest !== undefined && digest !== target.digest)
      ) {
        const fetched = await this.#getManifest(endpoint, repo, target, options.signal);
        return {
          mediaType: fetched.mediaType,
          digest: fetched.digest,
          size: fetched.size,
          source: endpoint.host,
          mirror: endpoint.mirror,
        };
      }
      const remaining = rateLimitRemaining(firstHeader(res.headers, "ratelimit-remaining"));
      return {
        mediaType,
        digest,
        size,
        source: endpoint.host,
        mirror: endpoint.mirror,
        ...(remaining === undefined ? {} : { rateLimitRemaining: remaining }),
      };
    });
  }

  /** The manifest at `target`: exact bytes, digest computed over them, parsed and validated. */
  getManifest(repo: RepositoryName, target: ManifestTarget, options: ReadOptions = {}): Promise<RegistryManifest> {
    return this.#read(repo, options, (endpoint) => this.#getManifest(endpoint, repo, target, options.signal));
  }

  /**
   * The blob's raw bytes from `offset` on (an HTTP Range request), NOT
   * verified: the store's verified read (`readVerifiedBlob`) checks them.
   * `offset` in the result is where the bytes really start — 0 when the
   * registry ignored the Range and sent everything.
   */
  openBlob(
    repo: RepositoryName,
    descriptor: Descriptor,
    options: ReadOptions & { offset?: number } = {},
  ): Promise<{ stream: Readable; offset: number; source: string; mirror: boolean }> {
    const offset = options.offset ?? 0;
    return this.#read(repo, options, async (endpoint) => {
      const res = await this.#sender.send(endpoint, repo.repository, {
        method: "GET",
        path: `blobs/${descriptor.digest}`,
        actions: ["pull"],
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        doing: `fetch blob ${descriptor.digest} of ${repo.registry}/${repo.repository}`,
        signal: options.signal,
      });
      const range = /^bytes (\d+)-/.exec(firstHeader(res.headers, "content-range") ?? "");
      const start = res.status === 206 && range !== null ? Number(range[1]) : 0;
      return { stream: res.body, offset: start, source: endpoint.host, mirror: endpoint.mirror };
    });
  }

  /** Whether the blob exists in the repository (HEAD). */
  async blobExists(repo: RepositoryName, digest: Digest, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const res = await this.#sender.send(originEndpoint(repo.registry), repo.repository, {
      method: "HEAD",
      path: `blobs/${digest}`,
      actions: ["pull"],
      accept: [404],
      doing: `check blob ${digest} in ${repo.registry}/${repo.repository}`,
      signal: options.signal,
    });
    await res.body.dump();
    return res.status === 200;
  }

  /** Upload a blob unless it already exists; the registry verifies the digest on commit. */
  async pushBlob(
    repo: RepositoryName,
    descriptor: Descriptor,
    content: Uint8Array | Readable,
    options: PushBlobOptions = {},
  ): Promise<void> {
    if (await this.blobExists(repo, descriptor.digest, options)) {
      if (!(content instanceof Uint8Array)) content.destroy();
      return;
    }
    // A registry that refused a whole blob in one body gets chunks from then on.
    const chunked = this.#chunkOnly.has(repo.registry) ? { monolithicMax: 0, chunkSize: SMALL_CHUNK_BYTES } : {};
    try {
      await pushBlob(this.#sender, originEndpoint(repo.registry), repo, descriptor, content, {
        ...chunked,
        ...options,
      });
    } catch (error) {
      if (isBodyRefused(error)) this.#chunkOnly.add(repo.registry);
      throw error;
    }
  }

  /** Mount a blob from another repository of the same registry; false when the registry would not. */
  mountBlob(
    repo: RepositoryName,
    digest: Digest,
    fromRepository: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<boolean> {
    return mountBlob(this.#sender, originEndpoint(repo.registry), repo, digest, fromRepository, options.signal);
  }

  /** Upload a manifest's exact bytes under a tag or its digest. */
  pushManifest(
    repo: RepositoryName,
    bytes: Uint8Array,
    mediaType: string,
    options: { tag?: string; signal?: AbortSignal } = {},
  ): Promise<Descriptor> {
    return pushManifest(this.#sender, originEndpoint(repo.registry), repo, bytes, mediaType, options);
  }

  /** Every tag of the repository, following `Link` pagination. */
  listTags(repo: RepositoryName, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    return this.#read(repo, {}, (endpoint) => listTags(this.#sender, endpoint, repo, options));
  }

  /**
   * The manifests whose `subject` is `digest`, by the OCI referrers API;
   * `undefined` when the registry has no such API (use the `sha256-<hex>` tag then).
   */
  listReferrers(
    repo: RepositoryName,
    digest: Digest,
    options: ReadOptions & { artifactType?: string } = {},
  ): Promise<ReferrersAnswer | undefined> {
    return this.#read(repo, options, (endpoint) => listReferrers(this.#sender, endpoint, repo, digest, options));
  }

  /** Whether reads of `registry` go through mirrors first. */
  hasMirrors(registry: string): boolean {
    return (this.#mirrors[registry] ?? []).length > 0;
  }

  /** Close pooled connections. */
  close(): Promise<void> {
    return this.#http.close();
  }

  async #getManifest(
    endpoint: Endpoint,
    repo: RepositoryName,
    target: ManifestTarget,
    signal?: AbortSignal,
  ): Promise<RegistryManifest> {
    const what = `manifest ${describe(repo, target)}`;
    const res = await this.#sender.send(endpoint, repo.repository, {
      method: "GET",
      path: `manifests/${manifestRef(target)}`,
      headers: { accept: MANIFEST_ACCEPT },
      actions: ["pull"],
      doing: `fetch ${what}`,
      signal,
    });
    const declared = Number(firstHeader(res.headers, "content-length"));
    if (Number.isSafeInteger(declared) && declared > MAX_MANIFEST_BYTES) {
      res.body.destroy();
      throw new DigestguardError(
        "MANIFEST_TOO_LARGE",
        `Cannot read ${what}: it declares ${declared} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit.`,
      );
    }
    const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, what);
    const fetched = parseManifest(bytes, {
      contentType: firstHeader(res.headers, "content-type"),
      expectedDigest: target.digest,
    });
    const header = firstHeader(res.headers, "docker-content-digest");
    if (header !== undefined && header !== "" && target.digest === undefined)
      checkDigestHeader(header, fetched, `${what} from ${endpoint.host}`);
    return { ...fetched, source: endpoint.host, mirror: endpoint.mirror };
  }

  // Reads try each mirror, then the registry; a mirror's failure is only reported if the registry fails too.
  async #read<T>(
    repo: RepositoryName,
    options: ReadOptions,
    operation: (endpoint: Endpoint) => Promise<T>,
  ): Promise<T> {
    const endpoints =
      options.originOnly === true ? [originEndpoint(repo.registry)] : readEndpoints(repo.registry, this.#mirrors);
    const failures: { endpoint: Endpoint; error: unknown }[] = [];
    for (const endpoint of endpoints) {
      try {
        return await operation(endpoint);
      } catch (error) {
        if (isAborted(error)) throw error;
        failures.push({ endpoint, error });
      }
    }
    throw mostSpecificFailure(failures);
  }
}

// Read by tag, the bytes define the digest — but a registry whose header names
// another digest is inconsistent: a pin written from the header would point at
// nothing, one written from the bytes at a manifest the registry does not keep
// under that name. Either way nothing can be trusted, so it is an integrity failure.
function checkDigestHeader(header: string, fetched: FetchedManifest, what: string): void {
  const claimed = isDigest(header) ? header : undefined;
  const actual = claimed === undefined ? fetched.digest : digestOf(fetched.bytes, digestAlgorithm(claimed));
  if (claimed === actual) return;
  const said =
    claimed === undefined
      ? `a malformed Docker-Content-Digest (${JSON.stringify(header.slice(0, 80))})`
      : `Docker-Content-Digest ${claimed}`;
  throw new DigestguardError(
    "DIGEST_MISMATCH",
    `Cannot trust ${what}: the registry answered with ${said}, but the ${fetched.size} bytes it served hash to ${actual}; ` +
      "the registry (or a proxy in front of it) is inconsistent, so neither digest was used. Retry, or report it to the registry's operators.",
    {
      details: {
        expectedDigest: claimed ?? header,
        actualDigest: actual,
        received: fetched.size,
        digestHeader: header,
      },
    },
  );
}

const UNREACHABLE = new Set(["NETWORK", "TIMEOUT", "TLS", "REGISTRY_UNAVAILABLE"]);

// When every endpoint failed, an answer (a mirror's 404) says more than not
// reaching a host at all (the origin's DNS); the others are named beside it.
function mostSpecificFailure(failures: { endpoint: Endpoint; error: unknown }[]): unknown {
  const last = failures[failures.length - 1];
  if (failures.length === 1 || last === undefined) return last?.error;
  const code = (error: unknown) => (error instanceof DigestguardError ? error.code : undefined);
  const chosen = [...failures].reverse().find((f) => !UNREACHABLE.has(code(f.error) ?? "")) ?? last;
  if (!(chosen.error instanceof DigestguardError)) return chosen.error;
  const others = failures.filter((f) => f !== chosen).map((f) => `${f.endpoint.host}: ${(f.error as Error).message}`);
  const message = `${chosen.error.message.replace(/\.$/, "")} (answer from ${chosen.endpoint.mirror ? "mirror " : ""}${chosen.endpoint.host}; also failed: ${others.join("; ")})`;
  return new DigestguardError(chosen.error.code, message, {
    cause: chosen.error,
    temporary: chosen.error.temporary,
    details: { ...chosen.error.details, endpoint: chosen.endpoint.host },
  });
}

function manifestRef(target: ManifestTarget): string {
  const ref = target.digest ?? target.tag;
  if (ref === undefined) throw new DigestguardError("USAGE", "Cannot address a manifest without a tag or digest.");
  if (target.digest === undefined) refuseMalformedTag(ref, "address a manifest");
  return ref;
}

function describe(repo: RepositoryName, target: ManifestTarget): string {
  return `${repo.registry}/${repo.repository}${target.tag ? `:${target.tag}` : ""}${target.digest ? `@${target.digest}` : ""}`;
}

function mergeSettings(defaults: HostSettings | undefined, host: HostSettings | undefined): HostSettings {
  return {
    insecure: host?.insecure ?? defaults?.insecure ?? false,
    caFiles: [...(defaults?.caFiles ?? []), ...(host?.caFiles ?? [])],
    ...((host?.clientCert ?? defaults?.clientCert) !== undefined
      ? { clientCert: host?.clientCert ?? defaults?.clientCert }
      : {}),
  };
}
