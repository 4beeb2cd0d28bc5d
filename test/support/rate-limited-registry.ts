import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

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
  /** Each manifest answer in order: the {@link RateLimitedRegistry.proxyFor} label it came through, and the count it said. */
  answers: { via: string | undefined; remaining: number | undefined }[];
  /** Called before each manifest answer with the label it goes to (a test sets `remaining` here). */
  beforeAnswer: ((via: string | undefined) => void) | undefined;
  /**
   * A forward proxy (`HTTP_PROXY`) for one client that tunnels into this
   * registry; answers to requests through it are labelled `label`, so a test
   * can tell apart the processes that share the registry's one host name.
   */
  proxyFor(label: string): Promise<string>;
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
  const state = {
    remaining,
    manifestRequests: 0,
    failWith: undefined as number | undefined,
    answers: [] as RateLimitedRegistry["answers"],
    beforeAnswer: undefined as RateLimitedRegistry["beforeAnswer"],
  };
  const labels = new WeakMap<Socket, string>();
  const server = createServer((req, res) => {
    if (!/^\/v2\/.+\/manifests\/[^/]+$/.test(req.url ?? "")) {
      res.writeHead(req.url === "/v2/" ? 200 : 404, { "content-type": "application/json" }).end("{}");
      return;
    }
    state.manifestRequests++;
    const via = labels.get(req.socket);
    state.beforeAnswer?.(via);
    state.answers.push({ via, remaining: state.remaining });
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
  const proxies: Server[] = [];
  const proxyFor = async (label: string): Promise<string> => {
    const proxy = tunnelInto(server, label, labels);
    proxies.push(proxy);
    return `http://127.0.0.1:${await listen(proxy)}`;
  };
  const port = await listen(server);
  return Object.assign(state, {
    host: `127.0.0.1:${port}`,
    digest,
    proxyFor,
    stop: async () => {
      server.closeAllConnections();
      await Promise.all([...proxies, server].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  }) as RateLimitedRegistry;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

// A CONNECT-only proxy whose tunnels end inside `registry` itself: the
// tunnel's socket is handed to the registry's HTTP server, labelled.
function tunnelInto(registry: Server, label: string, labels: WeakMap<Socket, string>): Server {
  const proxy = createServer((_req, res) => res.writeHead(405).end("only CONNECT\n"));
  proxy.on("connect", (_req, client: Socket, head: Buffer) => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) client.unshift(head);
    labels.set(client, label);
    registry.emit("connection", client);
  });
  return proxy;
}
