import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf } from "../oci/digest.js";
import { MAX_MANIFEST_BYTES } from "../oci/manifest.js";
import { dockerManifestJson, encodeJson, ociManifestJson } from "../oci/manifest-fixtures.js";
import { MediaType } from "../oci/media-types.js";
import { parseReference } from "../oci/reference.js";
import { RegistryClient, type RegistryClientOptions, type RepositoryName } from "./registry-client.js";
import { RegistryStore } from "../store/registry-store.js";
import { readVerifiedBlob } from "../store/verified-read.js";

// Fake registries on loopback: plain HTTP, which the client falls back to
// for 127.0.0.1 as docker does. Each test scripts the faults it needs.

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

interface FakeRegistry {
  host: string;
  origin: string;
  seen: Seen[];
  /** Requests seen for one API path below `/v2/`, e.g. "HEAD app/manifests/v1". */
  count(methodAndPath: string): number;
}

type Route = (req: IncomingMessage, res: ServerResponse, path: string) => void;

const servers: Server[] = [];
after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ host: string; origin: string }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, origin: `http://${host}` };
}

/** `127.0.0.1:<port>` where nothing listens any more. */
async function closedHost(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  return host;
}

/** A registry answering `/v2/` itself (optionally demanding Basic auth) and the rest through `route`. */
async function fakeRegistry(route: Route, options: { basicAuth?: string } = {}): Promise<FakeRegistry> {
  const seen: Seen[] = [];
  const expected =
    options.basicAuth === undefined ? undefined : `Basic ${Buffer.from(options.basicAuth).toString("base64")}`;
  const { host, origin } = await listen((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    seen.push({ method: req.method ?? "", path, authorization: req.headers.authorization });
    if (expected !== undefined && req.headers.authorization !== expected) {
      return void res
        .writeHead(401, { "www-authenticate": 'Basic realm="x"', "content-type": "application/json" })
        .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
    }
    if (path === "/v2/") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
    route(req, res, path.slice("/v2/".length));
  });
  return {
    host,
    origin,
    seen,
    count: (methodAndPath) => seen.filter((s) => `${s.method} ${s.path.slice("/v2/".length)}` === methodAndPath).length,
  };
}

const MANIFEST = encodeJson(ociManifestJson());
const MANIFEST_DIGEST = digestOf(MANIFEST);
const OTHER_MANIFEST = encodeJson(dockerManifestJson());

function sendManifest(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): void {
  res.writeHead(200, {
    "content-type": MediaType.ociManifest,
    "content-length": String(bytes.length),
    "docker-content-digest": digestOf(bytes),
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

function notFound(res: ServerResponse, code = "MANIFEST_UNKNOWN"): void {
  res
    .writeHead(404, { "content-type": "application/json" })
    .end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace("_", " ") }] }));
}

const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 2_000 };

async function withClient<T>(
  use: (client: RegistryClient) => Promise<T>,
  options: RegistryClientOptions = {},
): Promise<T> {
  // No auth file and no environment: these tests must never pick up the machine's credentials.
  const credentials = {
    authFile: join(tmpdir(), "digestguard-no-such-auth-file.json"),
    env: {},
    ...options.credentials,
  };
  const client = new RegistryClient({ retry: FAST_RETRY, timeouts: { connectMs: 2_000 }, ...options, credentials });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

function expectError(code: string, check: (error: DigestguardError) => void = () => undefined) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DigestguardError, `expected a DigestguardError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check(error);
    return true;
  };
}

const repoAt = (registry: FakeRegistry, repository = "app"): RepositoryName => ({
  registry: registry.host,
  repository,
});

describe("temporary failures are retried", () => {
  test("429 with Retry-After: 1 twice, then 200: resolve succeeds on the third attempt", async () => {
    let answered = 0;
    const registry = await fakeRegistry((req, res) => {
      if (answered++ < 2) return void res.writeHead(429, { "retry-after": "1" }).end();
      sendManifest(req, res, MANIFEST);
    });
    const started = performance.now();
    const desc = await withClient((client) => client.resolve(repoAt(registry), { tag: "v1" }));
    assert.equal(desc.digest, MANIFEST_DIGEST);
    assert.equal(registry.count("HEAD app/manifests/v1"), 3);
    // A lower bound only: the two waits the registry asked for did happen.
    assert.ok(performance.now() - started >= 1_900, "Retry-After was not honoured");
  });

  const bursts = [
    { status: 503, failures: 3, succeeds: true },
    { status: 502, failures: 1, succeeds: true },
    { status: 500, failures: 2, succeeds: true },
    { status: 503, failures: 10, succeeds: false },
  ];
  for (const { status, failures, succeeds } of bursts) {
    test(`${failures} x ${status} then 200 ${succeeds ? "is survived" : "exhausts the attempts"}`, async () => {
      let answered = 0;
      const registry = await fakeRegistry((req, res) => {
        if (answered++ < failures) return void res.writeHead(status, { "content-type": "text/plain" }).end("busy");
        sendManifest(req, res, MANIFEST);
      });
      await withClient(async (client) => {
        const resolving = client.getManifest(repoAt(registry), { tag: "v1" });
        if (succeeds) {
          assert.equal((await resolving).digest, MANIFEST_DIGEST);
        } else {
          await assert.rejects(
            resolving,
            expectError("REGISTRY_UNAVAILABLE", (e) => {
              assert.equal(e.temporary, true);
              assert.equal(e.exitCode, 5);
              assert.match(e.message, new RegExp(`HTTP ${status}`));
            }),
          );
        }
      });
      assert.equal(registry.count("GET app/manifests/v1"), succeeds ? failures + 1 : FAST_RETRY.attempts);
    });
  }
});

describe("permanent failures are typed and not retried", () => {
  const cases = [
    {
      status: 404,
      registryCode: "MANIFEST_UNKNOWN",
      message: "manifest unknown",
      code: "MANIFEST_UNKNOWN",
      exitCode: 3,
    },
    {
      status: 404,
      registryCode: "NAME_UNKNOWN",
      message: "repository name not known to registry",
      code: "NAME_UNKNOWN",
      exitCode: 3,
    },
    {
      status: 403,
      registryCode: "DENIED",
      message: "requested access to the resource is denied",
      code: "DENIED",
      exitCode: 4,
    },
  ];
  for (const { status, registryCode, message, code, exitCode } of cases) {
    test(`GET manifest answered ${status} ${registryCode} is ${code}, exit ${exitCode}, asked once`, async () => {
      const registry = await fakeRegistry((_req, res) => {
        res
          .writeHead(status, { "content-type": "application/json" })
          .end(JSON.stringify({ errors: [{ code: registryCode, message, detail: { Tag: "x" } }] }));
      });
      await withClient(async (client) => {
        await assert.rejects(
          client.getManifest(repoAt(registry), { tag: "x" }),
          expectError(code, (e) => {
            assert.equal(e.exitCode, exitCode);
            assert.equal(e.temporary, false);
            assert.ok(e.message.includes(message), e.message);
            assert.ok(e.message.includes(`${registry.host}/app:x`), e.message);
            assert.deepEqual(e.details["registryErrors"], [{ code: registryCode, message, detail: { Tag: "x" } }]);
          }),
        );
      });
      assert.equal(registry.count("GET app/manifests/x"), 1);
    });
  }

  test("resolve of a missing tag (HEAD 404, no body) is MANIFEST_UNKNOWN, asked once", async () => {
    const registry = await fakeRegistry((_req, res) => void res.writeHead(404).end());
    await withClient(async (client) => {
      await assert.rejects(
        client.resolve(repoAt(registry), { tag: "nope" }),
        expectError("MANIFEST_UNKNOWN", (e) => {
          assert.equal(e.exitCode, 3);
          assert.ok(e.message.includes(`${registry.host}/app:nope`), e.message);
        }),
      );
    });
    assert.equal(registry.count("HEAD app/manifests/nope"), 1);
  });
});

describe("manifest size limit", () => {
  const shapes = [
    { name: "chunked, with no Content-Length", declare: false },
    { name: "declaring more than 4 MiB in Content-Length", declare: true },
  ];
  for (const { name, declare } of shapes) {
    test(`a manifest body ${name} is MANIFEST_TOO_LARGE without being read whole`, async () => {
      const cap = 256 * 1024 * 1024;
      const sent = { bytes: 0, closed: false };
      const registry = await fakeRegistry((_req, res) => {
        res.writeHead(200, {
          "content-type": MediaType.ociManifest,
          ...(declare ? { "content-length": String(cap) } : {}),
        });
        res.on("close", () => {
          sent.closed = true;
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (!sent.closed && sent.bytes < cap) {
            sent.bytes += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      });
      await withClient(async (client) => {
        await assert.rejects(
          client.getManifest(repoAt(registry), { tag: "big" }),
          expectError("MANIFEST_TOO_LARGE", (e) => {
            assert.equal(e.exitCode, 6);
            assert.ok(e.message.includes(String(MAX_MANIFEST_BYTES)), e.message);
          }),
        );
      });
      // The client hung up early: what was sent is bounded by socket buffers, far below the endless body.
      await waitFor(() => sent.closed);
      assert.ok(sent.bytes < 64 * 1024 * 1024, `the server sent ${sent.bytes} bytes before the client hung up`);
    });
  }
});

describe("digest headers are checked against the bytes", () => {
  const lyingCases = [
    {
      name: "a lying Docker-Content-Digest",
      header: digestOf("something else") as string,
      says: /Docker-Content-Digest sha256:/,
    },
    { name: "a malformed Docker-Content-Digest", header: "sha256:nothex", says: /malformed Docker-Content-Digest/ },
  ];
  for (const { name, header, says } of lyingCases) {
    test(`GET by tag with ${name}: DIGEST_MISMATCH naming both digests, exit 6`, async () => {
      const registry = await fakeRegistry((req, res) =>
        sendManifest(req, res, MANIFEST, { "docker-content-digest": header }),
      );
      await withClient(async (client) => {
        await assert.rejects(
          client.getManifest(repoAt(registry), { tag: "v1" }),
          expectError("DIGEST_MISMATCH", (e) => {
            assert.equal(e.exitCode, 6);
            assert.match(e.message, says);
            assert.ok(e.message.includes(MANIFEST_DIGEST), e.message);
            assert.equal(e.details["actualDigest"], MANIFEST_DIGEST);
            assert.equal(e.details["expectedDigest"], header);
          }),
        );
      });
    });
  }

  test("GET by tag with an honest Docker-Content-Digest: the digest is the bytes' digest", async () => {
    const registry = await fakeRegistry((req, res) =>
      sendManifest(req, res, MANIFEST, { "docker-content-digest": MANIFEST_DIGEST }),
    );
    const fetched = await withClient((client) => client.getManifest(repoAt(registry), { tag: "v1" }));
    assert.equal(fetched.digest, MANIFEST_DIGEST);
    assert.equal(fetched.size, MANIFEST.length);
    assert.deepEqual(Buffer.from(fetched.bytes), Buffer.from(MANIFEST));
    assert.equal(fetched.source, registry.host);
  });

  test("GET by tag with a sha512 Docker-Content-Digest is compared with the sha512 of the bytes", async () => {
    const sha512 = digestOf(MANIFEST, "sha512");
    const registry = await fakeRegistry((req, res) =>
      sendManifest(req, res, MANIFEST, { "docker-content-digest": sha512 }),
    );
    const fetched = await withClient((client) => client.getManifest(repoAt(registry), { tag: "v1" }));
    assert.equal(fetched.digest, MANIFEST_DIGEST);
  });

  test("GET by digest whose bytes do not match is DIGEST_MISMATCH, even when the header agrees", async () => {
    const registry = await fakeRegistry((req, res) =>
      sendManifest(req, res, OTHER_MANIFEST, { "docker-content-digest": MANIFEST_DIGEST }),
    );
    await withClient(async (client) => {
      await assert.rejects(
        client.getManifest(repoAt(registry), { digest: MANIFEST_DIGEST }),
        expectError("DIGEST_MISMATCH", (e) => {
          assert.equal(e.exitCode, 6);
          assert.ok(e.message.includes(MANIFEST_DIGEST), e.message);
        }),
      );
    });
  });

  test("resolve by digest when HEAD claims another digest checks the bytes by GET", async () => {
    const registry = await fakeRegistry((req, res) =>
      sendManifest(req, res, req.method === "HEAD" ? MANIFEST : OTHER_MANIFEST, {
        "docker-content-digest": digestOf("a lie"),
      }),
    );
    await withClient(async (client) => {
      await assert.rejects(
        client.resolve(repoAt(registry), { digest: MANIFEST_DIGEST }),
        expectError("DIGEST_MISMATCH"),
      );
    });
    assert.equal(registry.count(`GET app/manifests/${MANIFEST_DIGEST}`), 1);
  });

  const headFallbacks: { name: string; headers: Record<string, string> }[] = [
    { name: "no Docker-Content-Digest", headers: { "docker-content-digest": "" } },
    { name: "a malformed Docker-Content-Digest", headers: { "docker-content-digest": "md5:abc" } },
    { name: "no Content-Type", headers: { "content-type": "" } },
  ];
  for (const { name, headers } of headFallbacks) {
    test(`resolve falls back to GET when HEAD gives ${name}, and computes the digest`, async () => {
      const registry = await fakeRegistry((req, res) => {
        if (req.method !== "HEAD") return sendManifest(req, res, MANIFEST);
        const all: Record<string, string> = {
          "content-type": MediaType.ociManifest,
          "content-length": String(MANIFEST.length),
          "docker-content-digest": MANIFEST_DIGEST,
          ...headers,
        };
        res.writeHead(200, Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ""))).end();
      });
      const desc = await withClient((client) => client.resolve(repoAt(registry), { tag: "v1" }));
      assert.deepEqual(desc, {
        mediaType: MediaType.ociManifest,
        digest: MANIFEST_DIGEST,
        size: MANIFEST.length,
        source: registry.host,
        mirror: false,
      });
      assert.equal(registry.count("HEAD app/manifests/v1"), 1);
      assert.equal(registry.count("GET app/manifests/v1"), 1);
    });
  }

  test("resolve with a complete HEAD answer sends no GET", async () => {
    const registry = await fakeRegistry((req, res) => sendManifest(req, res, MANIFEST));
    const desc = await withClient((client) => client.resolve(repoAt(registry), { tag: "v1" }));
    assert.equal(desc.digest, MANIFEST_DIGEST);
    assert.equal(registry.count("GET app/manifests/v1"), 0);
  });
});

/** Read a stream to its close, noting whether it ended normally or errored. */
function drain(stream: Readable): Promise<{ bytes: Buffer; ended: boolean; error: unknown }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    let error: unknown;
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      ended = true;
    });
    stream.on("error", (e) => {
      error = e;
    });
    stream.on("close", () => resolve({ bytes: Buffer.concat(chunks), ended, error }));
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), "condition never became true");
}

describe("blobs are verified as they stream", () => {
  const BLOB = Buffer.from("layer bytes ".repeat(20_000));
  const descriptor: Descriptor = { mediaType: MediaType.ociLayerGzip, digest: digestOf(BLOB), size: BLOB.length };
  const flipped = Buffer.from(BLOB);
  flipped[1000] = (flipped[1000] as number) ^ 0xff;

  const cases: { name: string; serve: (res: ServerResponse) => void; code?: string }[] = [
    {
      name: "the right bytes end normally",
      serve: (res) => void res.writeHead(200, { "content-length": String(BLOB.length) }).end(BLOB),
    },
    {
      name: "one byte changed is DIGEST_MISMATCH",
      serve: (res) => void res.writeHead(200).end(flipped),
      code: "DIGEST_MISMATCH",
    },
    {
      name: "a truncated body is SIZE_MISMATCH",
      serve: (res) => void res.writeHead(200).end(BLOB.subarray(0, BLOB.length - 100)),
      code: "SIZE_MISMATCH",
    },
    { name: "an empty body is SIZE_MISMATCH", serve: (res) => void res.writeHead(200).end(), code: "SIZE_MISMATCH" },
    {
      name: "extra bytes are SIZE_MISMATCH",
      serve: (res) => void res.writeHead(200).end(Buffer.concat([BLOB, Buffer.from("x")])),
      code: "SIZE_MISMATCH",
    },
    {
      name: "a connection cut mid-body is NETWORK",
      serve: (res) => {
        res.writeHead(200, { "content-length": String(BLOB.length) });
        res.write(BLOB.subarray(0, 5000), () => res.socket?.destroy());
      },
      code: "NETWORK",
    },
  ];
  for (const { name, serve, code } of cases) {
    test(`one verified read of a blob: ${name}`, async () => {
      const registry = await fakeRegistry((_req, res) => serve(res));
      const result = await withClient(async (client) =>
        drain(readVerifiedBlob(new RegistryStore(client, repoAt(registry)), descriptor, { attempts: 1 })),
      );
      assert.equal(registry.count(`GET app/blobs/${descriptor.digest}`), 1);
      if (code === undefined) {
        assert.equal(result.error, undefined);
        assert.equal(result.ended, true);
        assert.ok(result.bytes.equals(BLOB));
        return;
      }
      assert.equal(result.ended, false, "a stream with bad bytes must never end normally");
      expectError(code)(result.error);
    });
  }

  test("a blob redirected to another origin is fetched there without Authorization", async () => {
    const cdnSeen: (string | undefined)[] = [];
    const cdn = await listen((req, res) => {
      cdnSeen.push(req.headers.authorization);
      res.writeHead(200, { "content-length": String(BLOB.length) }).end(BLOB);
    });
    const registry = await fakeRegistry(
      (_req, res) => void res.writeHead(307, { location: `${cdn.origin}/cdn/blob?sig=abc` }).end(),
      { basicAuth: "u:p" },
    );
    const result = await withClient(
      async (client) =>
        drain(readVerifiedBlob(new RegistryStore(client, repoAt(registry)), descriptor, { attempts: 1 })),
      { credentials: { creds: "u:p" } },
    );
    assert.equal(result.error, undefined);
    assert.ok(result.ended && result.bytes.equals(BLOB));
    const blobRequests = registry.seen.filter((s) => s.path.includes("/blobs/"));
    assert.deepEqual(
      blobRequests.map((s) => s.authorization),
      [`Basic ${Buffer.from("u:p").toString("base64")}`],
    );
    assert.deepEqual(cdnSeen, [undefined]);
  });
});

describe("mirrors", () => {
  const alpine = parseReference("docker.io/library/alpine:3.19");
  const serveAlpine =
    (prefix: string): Route =>
    (req, res, path) =>
      path === `${prefix}library/alpine/manifests/3.19` ? sendManifest(req, res, MANIFEST) : notFound(res);

  test("docker.io is read through its mirror, at the mirror's prefix, and nowhere else", async () => {
    assert.equal(alpine.registry, "docker.io");
    const mirror = await fakeRegistry(serveAlpine("hub/"));
    const unused = await fakeRegistry(serveAlpine("hub/"));
    const desc = await withClient((client) => client.resolve(alpine, { tag: alpine.tag as string }), {
      mirrors: { "docker.io": [`${mirror.host}/hub`, `${unused.host}/hub`] },
    });
    assert.equal(desc.digest, MANIFEST_DIGEST);
    assert.equal(desc.source, mirror.host);
    assert.deepEqual(
      mirror.seen.map((s) => `${s.method} ${s.path}`),
      ["GET /v2/", "HEAD /v2/hub/library/alpine/manifests/3.19"],
    );
    assert.equal(unused.seen.length, 0);
  });

  test("a mirror that answers 404 falls through to the next mirror", async () => {
    const empty = await fakeRegistry((_req, res) => notFound(res));
    const full = await fakeRegistry(serveAlpine("hub/"));
    const fetched = await withClient((client) => client.getManifest(alpine, { tag: "3.19" }), {
      mirrors: { "docker.io": [`${empty.host}/hub`, `${full.host}/hub`] },
    });
    assert.equal(fetched.digest, MANIFEST_DIGEST);
    assert.equal(fetched.source, full.host);
    assert.equal(empty.count("GET hub/library/alpine/manifests/3.19"), 1);
    assert.equal(full.count("GET hub/library/alpine/manifests/3.19"), 1);
  });

  test("when every mirror fails the registry itself answers", async () => {
    const down = await closedHost();
    const empty = await fakeRegistry((_req, res) => notFound(res));
    const origin = await fakeRegistry((req, res, path) =>
      path === "app/manifests/v1" ? sendManifest(req, res, MANIFEST) : notFound(res),
    );
    const desc = await withClient((client) => client.resolve(repoAt(origin), { tag: "v1" }), {
      mirrors: { [origin.host]: [down, empty.host] },
    });
    assert.equal(desc.source, origin.host);
    assert.equal(empty.count("HEAD app/manifests/v1"), 1);
    assert.equal(origin.count("HEAD app/manifests/v1"), 1);
  });

  test("when the registry fails too, its error is the one reported", async () => {
    const empty = await fakeRegistry((_req, res) => notFound(res));
    const origin = await fakeRegistry((_req, res) => notFound(res, "NAME_UNKNOWN"));
    await withClient(
      async (client) => {
        await assert.rejects(
          client.getManifest(repoAt(origin), { tag: "v1" }),
          expectError("NAME_UNKNOWN", (e) => assert.ok(e.message.includes(origin.host), e.message)),
        );
      },
      { mirrors: { [origin.host]: [empty.host] } },
    );
  });
});
