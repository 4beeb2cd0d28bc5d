import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Digest } from "../oci/digest.js";
import { RegistryClient } from "./registry-client.js";

const SUBJECT = `sha256:${"a".repeat(64)}` as Digest;
const ENTRY = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${"b".repeat(64)}`, size: 10 };
let server: Server;
let host: string;
let answer: { status: number; body: string; headers?: Record<string, string> };
const seen: string[] = [];

// Only the referrers endpoint: how each answer maps to "no API", an error, or a listing.
before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/v2/") return void res.writeHead(200).end("{}");
    seen.push(url.pathname + url.search);
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function list(artifactType?: string) {
  const client = new RegistryClient({
    credentials: { authFile: "/nonexistent" },
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  try {
    return await client.listReferrers({ registry: host, repository: "app" }, SUBJECT, {
      ...(artifactType === undefined ? {} : { artifactType }),
    });
  } finally {
    await client.close();
  }
}

const unsupported = (code: string) => JSON.stringify({ errors: [{ code, message: "no" }] });

for (const [status, body] of [
  [404, unsupported("NAME_UNKNOWN")],
  [405, unsupported("UNSUPPORTED")],
  [501, ""],
  [400, unsupported("UNSUPPORTED")],
] as const) {
  test(`a ${status} means the registry has no referrers API`, async () => {
    answer = { status, body };
    assert.equal(await list(), undefined);
  });
}

test("a 400 that does not say UNSUPPORTED is an error, not a missing API", async () => {
  answer = { status: 400, body: unsupported("DIGEST_INVALID") };
  await assert.rejects(list(), (error: Error & { code?: string }) => error.code === "REGISTRY_ERROR");
});

test("the artifactType filter is sent, and OCI-Filters-Applied says whether the registry applied it", async () => {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [ENTRY],
  });
  const type = "application/vnd.example.sig+json";
  answer = {
    status: 200,
    body: index,
    headers: { "content-type": "application/vnd.oci.image.index.v1+json", "oci-filters-applied": "artifactType" },
  };
  assert.deepEqual(await list(type), { manifests: [ENTRY], filtered: true });
  assert.equal(seen.at(-1), `/v2/app/referrers/${SUBJECT}?artifactType=${encodeURIComponent(type)}`);
  answer = { ...answer, headers: { "content-type": "application/vnd.oci.image.index.v1+json" } };
  assert.deepEqual(await list(type), { manifests: [ENTRY], filtered: false });
});

test("an answer served as another media type is refused", async () => {
  answer = { status: 200, body: JSON.stringify({ schemaVersion: 2, manifests: [] }) };
  await assert.rejects(list(), /not a valid OCI image index \(its Content-Type is "application\/json"\)/);
});
