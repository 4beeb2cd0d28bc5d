import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { digestOf } from "../oci/digest.js";
import { RegistryClient } from "./registry-client.js";

// A registry stand-in that records upload requests and can refuse a whole
// blob in one body with 413, as a proxy with a body-size limit does.
describe("pushBlob: one streamed PUT, chunks when the registry refuses it", () => {
  let server: Server;
  let host: string;
  let refuseBodiesOver = Number.POSITIVE_INFINITY;
  const uploads: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let length = 0;
      req.on("data", (chunk: Buffer) => {
        length += chunk.length;
      });
      req.on("end", () => {
        const url = req.url ?? "";
        if (!url.includes("/blobs/")) return void res.writeHead(200).end();
        if (req.method === "HEAD") return void res.writeHead(404).end();
        uploads.push(`${req.method} ${length}`);
        if (length > refuseBodiesOver) return void res.writeHead(413).end();
        if (req.method === "PUT") return void res.writeHead(201).end();
        res.writeHead(202, { location: "/v2/app/blobs/uploads/session-1" }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("a stream goes up in one PUT; after a 413 the same registry gets chunks", async () => {
    const client = new RegistryClient({
      credentials: { authFile: "/nonexistent/auth.json" },
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const bytes = Buffer.alloc(5000, 7);
    const blob = { mediaType: "application/octet-stream", digest: digestOf(bytes), size: bytes.length };
    const repo = { registry: host, repository: "app" };
    try {
      await client.pushBlob(repo, blob, Readable.from([bytes]));
      assert.deepEqual(uploads.splice(0), ["POST 0", "PUT 5000"]);
      refuseBodiesOver = 4000;
      await assert.rejects(client.pushBlob(repo, blob, Readable.from([bytes])), (error: unknown) => {
        assert.match(String(error), /413/);
        assert.equal((error as { temporary?: boolean }).temporary, true, "a retry may chunk it");
        return true;
      });
      assert.deepEqual(uploads.splice(0), ["POST 0", "PUT 5000", "DELETE 0"]);
      refuseBodiesOver = Number.POSITIVE_INFINITY;
      await client.pushBlob(repo, blob, Readable.from([bytes]), { chunkSize: 3000 });
      assert.deepEqual(uploads.splice(0), ["POST 0", "PATCH 3000", "PATCH 2000", "PUT 0"]);
    } finally {
      await client.close();
    }
  });
});
