import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback registry that answers manifests with a `ratelimit-remaining` header. */
export interface RateLimitedRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** The count the next answers carry (`N;w=21600`); undefined sends no header. */
  remaining: number | undefined;
  /** When set, every manifest request is answered with this status (an outage). */
  failWith: number | undefined;
  /** Manifest HEAD and GET requests received so far. */
  manifestRequests: number;
  /** The digest every tag of every repository points at. */
  digest: string;
  stop(): Promise<void>;
}

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: `sha256:${createHash("sha256").update("{}").digest("hex")}`,
      size: 2,
    },
    layers: [],
  }),
);

/**
 * Start a small fake registry in the manner of Docker Hub's rate limit: every
 * tag holds the same single manifest, and each manifest answer carries
 * `ratelimit-remaining: <remaining>;w=21600` as the test sets it.
 *
 * @example
 * ```ts
 * const hub = await startRateLimitedRegistry(100);
 * hub.remaining = 3; // the next answers say 3 pulls are left
 * ```
 */
export async function startRateLimitedRegistry(remaining: number | undefined): Promise<RateLimitedRegistry> {
  const digest = `sha256:${createHash("sha256").update(MANIFEST).digest("hex")}`;
  const state = { remaining, manifestRequests: 0, failWith: undefined as number | undefined };
  const server = createServer((req, res) => {
    if (!/^\/v2\/.+\/manifests\/[^/]+$/.test(req.url ?? "")) {
      res.writeHead(req.url === "/v2/" ? 200 : 404, { "content-type": "application/json" }).end("{}");
      return;
    }
    state.manifestRequests++;
    if (state.failWith !== undefined) {
      res.writeHead(state.failWith, { "content-type": "application/json" }).end('{"errors":[]}');
      return;
    }
    res.writeHead(200, {
      "content-type": "application/vnd.oci.image.manifest.v1+json",
      "content-length": MANIFEST.length,
      "docker-content-digest": digest,
      ...(state.remaining === undefined ? {} : { "ratelimit-remaining": `${state.remaining};w=21600` }),
    });
    res.end(req.method === "HEAD" ? undefined : MANIFEST);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    host: `127.0.0.1:${port}`,
    digest,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as RateLimitedRegistry;
}
