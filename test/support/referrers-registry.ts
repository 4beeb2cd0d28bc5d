import { createHash } from "node:crypto";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, listen } from "./capturing-origin.js";
import type { RunningRegistry } from "./registry.js";

/** How the referrers endpoint answers; "honest" follows the distribution spec v1.1. */
export type ReferrersBehaviour =
  | "honest"
  | "huge"
  | "not-an-index"
  | "malformed-digest"
  | "foreign-link"
  /** Lists every referrer of the repository, whatever its subject. */
  | "wrong-subject";

/** A plain-HTTP registry with the OCI referrers API, in front of a real one without it. */
export interface ReferrersRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  /** The registry as the harness helpers (`pushImage`, `clientFor`) take it. */
  asRegistry: RunningRegistry;
  behaviour: ReferrersBehaviour;
  /** Descriptors per page of a referrers answer; more come by `Link` pagination. */
  pageSize: number;
  /** Where "foreign-link" points the next page. */
  foreignUrl: string;
  /** Referrers requests answered so far. */
  referrersRequests: number;
  stop(): Promise<void>;
}

const INDEX = "application/vnd.oci.image.index.v1+json";
const REFERRERS_PATH = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/;

/**
 * Start a referrers-capable registry: every request goes through to the real
 * distribution registry `upstream` (plain HTTP), except that manifests pushed
 * with a `subject` are remembered (and answered with `OCI-Subject`), and
 * `GET /v2/<name>/referrers/<digest>` lists them as the spec says: an image
 * index, `artifactType` filter applied (`OCI-Filters-Applied`), `Link`
 * pagination. The hostile behaviours break one rule each.
 *
 * @example
 * ```ts
 * const source = await startReferrersRegistry(await startRegistry({ mode: "http" }));
 * await pushImage(source.asRegistry, "app", image, ["1.0"]);
 * ```
 */
export async function startReferrersRegistry(upstream: RunningRegistry): Promise<ReferrersRegistry> {
  const referrers = new Map<string, Record<string, unknown>[]>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => res.writeHead(502).end(error.message));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", state.url);
    const asked = REFERRERS_PATH.exec(url.pathname);
    if (req.method === "GET" && asked !== null)
      return answerReferrers(res, url, listed(asked[1] as string, asked[2] as string));
    const body = await readAll(req);
    const answer = await forward(upstream, req, body);
    const subject = req.method === "PUT" && answer.status === 201 ? rememberSubject(url, body, referrers) : undefined;
    res.writeHead(answer.status, { ...answer.headers, ...(subject === undefined ? {} : { "oci-subject": subject }) });
    res.end(answer.body);
  };
  const listed = (repository: string, subject: string) =>
    state.behaviour === "wrong-subject"
      ? [...referrers].filter(([key]) => key.startsWith(`${repository}@`)).flatMap(([, list]) => list)
      : (referrers.get(`${repository}@${subject}`) ?? []);
  const answerReferrers = (res: ServerResponse, url: URL, all: Record<string, unknown>[]) => {
    state.referrersRequests++;
    const type = url.searchParams.get("artifactType");
    const listed = type === null ? all : all.filter((d) => d["artifactType"] === type);
    const start = Number(url.searchParams.get("last") ?? 0);
    const page = listed.slice(start, start + state.pageSize);
    const headers: Record<string, string> = { "content-type": INDEX };
    if (type !== null) headers["oci-filters-applied"] = "artifactType";
    if (start + state.pageSize < listed.length || state.behaviour === "foreign-link") {
      const base = state.behaviour === "foreign-link" ? state.foreignUrl : "";
      headers["link"] = `<${base}${url.pathname}?last=${start + state.pageSize}>; rel="next"`;
    }
    res.writeHead(200, headers).end(hostileBody(state.behaviour, page));
  };
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: ReferrersRegistry = {
    host: new URL(url).host,
    url,
    asRegistry: { ...upstream, host: new URL(url).host, url },
    behaviour: "honest",
    pageSize: 100,
    foreignUrl: "http://127.0.0.1:9",
    referrersRequests: 0,
    stop: () => closeServer(server),
  };
  return state;
}

function hostileBody(behaviour: ReferrersBehaviour, page: Record<string, unknown>[]): string {
  const index = (manifests: unknown[]) => JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests });
  if (behaviour === "huge") return index(Array.from({ length: 40_000 }, () => page[0] ?? {}));
  if (behaviour === "not-an-index")
    return JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", layers: [] });
  if (behaviour === "malformed-digest") return index(page.map((d) => ({ ...d, digest: "sha256:../../etc/passwd" })));
  return index(page);
}

// A manifest with a subject is a referrer: remembered under its subject, as a registry with the API indexes it.
function rememberSubject(
  url: URL,
  body: Buffer,
  referrers: Map<string, Record<string, unknown>[]>,
): string | undefined {
  const path = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(url.pathname);
  if (path === null) return undefined;
  const manifest = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  const subject = manifest["subject"] as { digest?: string } | undefined;
  if (subject?.digest === undefined) return undefined;
  const config = manifest["config"] as { mediaType?: string } | undefined;
  const descriptor: Record<string, unknown> = {
    mediaType: manifest["mediaType"],
    digest: `sha256:${createHash("sha256").update(body).digest("hex")}`,
    size: body.length,
    artifactType: manifest["artifactType"] ?? config?.mediaType,
    ...(manifest["annotations"] === undefined ? {} : { annotations: manifest["annotations"] }),
  };
  const key = `${path[1]}@${subject.digest}`;
  const list = referrers.get(key) ?? [];
  if (!list.some((d) => d["digest"] === descriptor["digest"])) list.push(descriptor);
  referrers.set(key, list);
  return subject.digest;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(
  upstream: RunningRegistry,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const target = new URL(upstream.url);
  const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
  delete headers["transfer-encoding"];
  return new Promise((resolve, reject) => {
    const upReq = request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upRes) => {
        void readAll(upRes).then((answer) => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(upRes.headers))
            if (typeof value === "string" && !["connection", "transfer-encoding", "keep-alive"].includes(name))
              out[name] = value.replace(upstream.url, `http://${req.headers.host}`);
          resolve({ status: upRes.statusCode ?? 502, headers: out, body: answer });
        }, reject);
      },
    );
    upReq.once("error", reject);
    upReq.end(body);
  });
}
