import {
  createServer as createHttpServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import {
  closeServer,
  listen,
  startCapturingOrigin,
  type CapturedRequest,
  type CapturingOrigin,
} from "./capturing-origin.js";
import { neverAnswer, sendEndlessBody, sendTrickle, sendTruncated } from "./hostile-bodies.js";
import { harnessTls } from "./tls.js";

/** The ways the hostile registry lies; "honest" is a well-behaved registry. */
export type HostileBehaviour =
  | "honest"
  | "lying-digest-header"
  | "blob-redirect-foreign-401"
  | "tag-link-foreign"
  | "tag-link-http"
  | "http-realm-foreign"
  | "endless-token-body"
  | "trickle-manifest"
  | "never-answer"
  | "truncated-blob";

/** A running hostile registry and the foreign origin it tries to lead clients to. */
export interface HostileRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  /** Serves the image under `app:1.0`. */
  image: BuiltImage;
  username: string;
  password: string;
  /** Somebody else's server: no request there may carry an `Authorization`. */
  foreign: CapturingOrigin;
  readonly requests: CapturedRequest[];
  stop(): Promise<void>;
}

/** Options for {@link startHostileRegistry}. */
export interface HostileOptions {
  behaviour: HostileBehaviour;
  image: BuiltImage;
  /** Serve https with the harness CA's loopback certificate. */
  tls?: boolean;
  /** How the foreign origin asks for credentials (default bearer, with its own realm). */
  foreignChallenge?: "basic" | "bearer";
  /** Milliseconds between trickled bytes (trickle-manifest); default 1000. */
  trickleMs?: number;
}

interface State extends HostileOptions {
  url: string;
  foreign: CapturingOrigin;
}

const USERNAME = "hostile-user";
const PASSWORD = "hostile-secret";
const TOKEN = "hostile-token";
const WRONG_DIGEST = `sha256:${"0".repeat(64)}`;

/**
 * Start a small programmable registry on loopback that serves one image as
 * `app:1.0` behind Basic auth (or its own token realm) and misbehaves as
 * `behaviour` says: wrong digest headers, blob redirects to a foreign origin
 * that answers 401 with its own realm, foreign or plain-http pagination
 * links, a plain-http token realm on another host, endless or trickling
 * bodies, truncated blobs, or no answer at all. Hostile bodies stop by
 * themselves within 30 s.
 *
 * @example
 * ```ts
 * const hostile = await startHostileRegistry({ behaviour: "tag-link-foreign", image });
 * // run `digestguard tags ${hostile.host}/app --creds ${hostile.username}:${hostile.password}`
 * assert.equal(hostile.foreign.authorizationCount(), 0);
 * await hostile.stop();
 * ```
 */
export async function startHostileRegistry(options: HostileOptions): Promise<HostileRegistry> {
  const foreign = await startCapturingOrigin({ challenge: options.foreignChallenge });
  const requests: CapturedRequest[] = [];
  const server: Server =
    options.tls === true
      ? createHttpsServer({ key: (await harnessTls()).serverKeyPem, cert: (await harnessTls()).serverCertPem })
      : createHttpServer();
  await listen(server);
  const url = `${options.tls === true ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: State = { ...options, url, foreign };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers });
    req.resume();
    route(state, req, res);
  });
  return {
    host: new URL(url).host,
    url,
    image: options.image,
    username: USERNAME,
    password: PASSWORD,
    foreign,
    requests,
    stop: async () => {
      await Promise.all([closeServer(server), foreign.stop()]);
    },
  };
}

function route(state: State, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", state.url).pathname;
  if (path === "/token") return answerToken(state, res);
  if (state.behaviour === "never-answer") return neverAnswer(res);
  if (!authorized(req)) return challenge(state, res);
  if (path === "/v2/") return json(res, 200, {});
  const manifest = /^\/v2\/app\/manifests\/([^/]+)$/.exec(path);
  if (manifest !== null) return answerManifest(state, req, res, manifest[1] as string);
  const blob = /^\/v2\/app\/blobs\/([^/]+)$/.exec(path);
  if (blob !== null) return answerBlob(state, req, res, blob[1] as string);
  if (path === "/v2/app/tags/list") return answerTags(state, res);
  json(res, 404, { errors: [{ code: "NAME_UNKNOWN", message: "no such path" }] });
}

function authorized(req: IncomingMessage): boolean {
  const basic = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64")}`;
  return req.headers.authorization === basic || req.headers.authorization === `Bearer ${TOKEN}`;
}

function challenge(state: State, res: ServerResponse): void {
  const realm =
    state.behaviour === "http-realm-foreign"
      ? `${state.foreign.url}/token`
      : state.behaviour === "endless-token-body"
        ? `${state.url}/token`
        : undefined;
  const header = realm === undefined ? 'Basic realm="hostile"' : `Bearer realm="${realm}",service="hostile"`;
  res
    .writeHead(401, { "www-authenticate": header, "content-type": "application/json" })
    .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "log in" }] }));
}

function answerToken(state: State, res: ServerResponse): void {
  if (state.behaviour === "endless-token-body") return sendEndlessBody(res, { "content-type": "application/json" });
  json(res, 200, { token: TOKEN, expires_in: 300 });
}

function answerManifest(state: State, req: IncomingMessage, res: ServerResponse, ref: string): void {
  const root = state.image.manifests[0];
  if (root === undefined || (ref !== "1.0" && ref !== root.descriptor.digest)) {
    return json(res, 404, { errors: [{ code: "MANIFEST_UNKNOWN", message: ref }] });
  }
  const digest = state.behaviour === "lying-digest-header" ? WRONG_DIGEST : root.descriptor.digest;
  const headers: OutgoingHttpHeaders = { "content-type": root.descriptor.mediaType, "docker-content-digest": digest };
  if (req.method === "HEAD")
    return void res.writeHead(200, { ...headers, "content-length": String(root.bytes.length) }).end();
  if (state.behaviour === "trickle-manifest") return sendTrickle(res, headers, root.bytes, state.trickleMs ?? 1000);
  res.writeHead(200, { ...headers, "content-length": String(root.bytes.length) }).end(root.bytes);
}

function answerBlob(state: State, req: IncomingMessage, res: ServerResponse, digest: string): void {
  const blob = state.image.blobs.find((b) => b.descriptor.digest === digest);
  if (blob === undefined) return json(res, 404, { errors: [{ code: "BLOB_UNKNOWN", message: digest }] });
  const headers: OutgoingHttpHeaders = { "content-type": "application/octet-stream", "docker-content-digest": digest };
  if (state.behaviour === "blob-redirect-foreign-401") {
    return void res.writeHead(307, { location: `${state.foreign.url}/storage/${digest}?signed=1` }).end();
  }
  const isLayer = blob.descriptor.mediaType.includes("layer");
  if (state.behaviour === "truncated-blob" && isLayer)
    return sendTruncated(res, headers, blob.bytes, Math.floor(blob.bytes.length / 2));
  if (req.method === "HEAD")
    return void res.writeHead(200, { ...headers, "content-length": String(blob.bytes.length) }).end();
  res.writeHead(200, { ...headers, "content-length": String(blob.bytes.length) }).end(blob.bytes);
}

function answerTags(state: State, res: ServerResponse): void {
  const next =
    state.behaviour === "tag-link-foreign" || state.behaviour === "tag-link-http"
      ? `${state.foreign.url}/v2/app/tags/list?n=1&last=1.0`
      : undefined;
  res
    .writeHead(200, {
      "content-type": "application/json",
      ...(next === undefined ? {} : { link: `<${next}>; rel="next"` }),
    })
    .end(JSON.stringify({ name: "app", tags: ["1.0"] }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
