import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Agent, request } from "undici";
import { buildImage } from "../../src/imagebuild/image.js";
import { writeImage } from "../../src/imagebuild/write-image.js";
import { MANIFEST_ACCEPT } from "../../src/oci/media-types.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { clientFor } from "../support/client-for.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { requestShape } from "../support/fault-proxy-rules.js";
import {
  registrySkipReason,
  startRegistry,
  TOKEN_SERVICE,
  type RegistryMode,
  type RunningRegistry,
} from "../support/registry.js";

// Raw undici requests, not the client under test: these tests check the proxy itself.

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const skip = registrySkipReason();
const REPO = "fixtures/app";

test("requests are classified as blob, manifest, ping or other", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  assert.deepEqual(requestShape("get", `/v2/a/b/blobs/${digest}?x=1`), {
    method: "GET",
    path: `/v2/a/b/blobs/${digest}`,
    kind: "blob",
    digest,
  });
  assert.equal(requestShape("PUT", "/v2/a/blobs/uploads/123?_state=x").kind, "other");
  assert.equal(requestShape("GET", "/v2/a/manifests/1.0").digest, undefined);
  assert.equal(requestShape("GET", `/v2/a/manifests/${digest}`).digest, digest);
  assert.equal(requestShape("GET", "/v2/").kind, "ping");
});

for (const mode of ["http", "token"] as RegistryMode[]) {
  describe(`fault proxy in front of the real registry (${mode})`, { skip }, () => {
    let registry: RunningRegistry;
    let proxy: FaultProxy;
    let agent: Agent;
    let auth: Record<string, string>;
    let layer: { digest: string; bytes: Buffer };
    let manifest: { digest: string; bytes: Buffer };

    const send = async (
      url: string,
      options: { method?: "GET" | "HEAD"; headers?: Record<string, string>; signal?: AbortSignal } = {},
    ): Promise<Answer> => {
      const res = await request(url, {
        dispatcher: agent,
        method: options.method ?? "GET",
        headers: options.headers,
        signal: options.signal,
      });
      return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
    };
    // Distribution 2.8 answers 404 to a GET for an OCI manifest unless Accept lists the OCI types.
    const viaProxy = (path: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
      send(`${proxy.url}${path}`, {
        headers: { accept: MANIFEST_ACCEPT, ...auth, ...headers },
        ...(signal ? { signal } : {}),
      });
    const blobPath = () => `/v2/${REPO}/blobs/${layer.digest}`;
    const manifestPath = (ref = "1.0") => `/v2/${REPO}/manifests/${ref}`;
    const lastRecord = () => proxy.requests.at(-1);

    before(async () => {
      registry = await startRegistry({ mode });
      proxy = await startFaultProxy(registry);
      agent = new Agent({ connect: registry.caPem === undefined ? {} : { ca: registry.caPem } });
      // Incompressible content, so the layer is large enough to cut in the middle.
      const image = await buildImage({
        flavour: "oci",
        platforms: [
          { os: "linux", architecture: "amd64", layers: [[{ path: "data.bin", content: randomBytes(16 * 1024) }]] },
        ],
      });
      const client = clientFor(registry);
      try {
        await writeImage(new RegistryStore(client, { registry: registry.host, repository: REPO }), image, {
          tags: ["1.0"],
        });
      } finally {
        await client.close();
      }
      const built = image.blobs.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
      layer = { digest: built.descriptor.digest, bytes: Buffer.from(built.bytes) };
      const root = image.manifests.at(-1);
      manifest = { digest: image.root.digest, bytes: Buffer.from(root?.bytes ?? []) };
      auth = mode === "token" ? { authorization: `Bearer ${await tokenFor(registry, agent)}` } : {};
    });
    afterEach(() => proxy.clearFaults());
    after(async () => {
      await agent?.close();
      await proxy?.stop();
      await registry?.stop();
    });

    test("without faults, the ping, manifests and blobs come back as the registry sends them", async () => {
      for (const path of [manifestPath(), blobPath()]) {
        const direct = await send(`${registry.url}${path}`, { headers: { ...auth, accept: MANIFEST_ACCEPT } });
        const proxied = await viaProxy(path);
        assert.equal(proxied.status, 200);
        assert.deepEqual(proxied.body, direct.body);
        assert.equal(proxied.headers["content-type"], direct.headers["content-type"]);
        assert.equal(proxied.headers["docker-content-digest"], direct.headers["docker-content-digest"]);
      }
      assert.deepEqual((await viaProxy(manifestPath())).body, manifest.bytes);
      assert.deepEqual((await viaProxy(blobPath())).body, layer.bytes);
      const ping = await send(`${proxy.url}/v2/`);
      assert.equal(ping.status, mode === "token" ? 401 : 200);
      // The challenge still names the issuer, which clients reach directly.
      assert.equal(ping.headers["www-authenticate"], (await send(`${registry.url}/v2/`)).headers["www-authenticate"]);
      const record = proxy.requests.findLast((r) => r.path === "/v2/");
      assert.equal(record?.status, ping.status);
      assert.equal(record?.authorization, false);
      assert.equal(record?.complete, true);
      assert.equal(record?.bytesSent, ping.body.length);
    });

    test("flip-byte changes exactly one byte, the middle one or the one at the offset", async () => {
      for (const [offset, at] of [
        [undefined, Math.floor(layer.bytes.length / 2)],
        [3, 3],
      ] as const) {
        proxy.setFaults([
          {
            match: { kind: "blob", digest: layer.digest },
            fault: { type: "flip-byte", ...(offset === undefined ? {} : { offset }) },
          },
        ]);
        const { body, headers } = await viaProxy(blobPath());
        assert.equal(body.length, layer.bytes.length);
        assert.equal(headers["content-length"], String(layer.bytes.length));
        assert.deepEqual(differences(body, layer.bytes), [at]);
        assert.equal(body[at], (layer.bytes[at] as number) ^ 0xff);
        assert.equal(lastRecord()?.fault?.type, "flip-byte");
      }
    });

    test("truncate declares the full length, sends keepBytes and closes", async () => {
      proxy.setFaults([{ match: { kind: "blob" }, fault: { type: "truncate", keepBytes: 1000 } }]);
      const res = await request(`${proxy.url}${blobPath()}`, { dispatcher: agent, headers: auth });
      assert.equal(res.headers["content-length"], String(layer.bytes.length));
      // A clean close (FIN) before Content-Length, not a reset: undici's "other side closed".
      await assert.rejects(res.body.arrayBuffer(), { code: "UND_ERR_SOCKET" });
      assert.equal(lastRecord()?.bytesSent, 1000);
      assert.equal(lastRecord()?.complete, false);
    });

    test("short-body, empty-body and extra-bytes send headers consistent with the wrong body", async () => {
      proxy.setFaults([{ match: { kind: "blob" }, times: 1, fault: { type: "short-body", keepBytes: 100 } }]);
      const short = await viaProxy(blobPath());
      assert.deepEqual(short.body, layer.bytes.subarray(0, 100));
      assert.equal(short.headers["content-length"], "100");
      proxy.setFaults([{ match: { kind: "manifest" }, times: 1, fault: { type: "empty-body" } }]);
      const empty = await viaProxy(manifestPath());
      assert.equal(empty.status, 200);
      assert.equal(empty.headers["content-length"], "0");
      assert.equal(empty.body.length, 0);
      proxy.setFaults([{ match: { kind: "blob" }, times: 1, fault: { type: "extra-bytes", bytes: 7 } }]);
      const extra = await viaProxy(blobPath());
      assert.equal(extra.headers["content-length"], String(layer.bytes.length + 7));
      assert.deepEqual(extra.body.subarray(0, layer.bytes.length), layer.bytes);
      assert.equal(extra.body.length, layer.bytes.length + 7);
    });

    test("reset-mid-body resets once after afterBytes; the resuming Range request passes clean", async () => {
      proxy.setFaults([{ match: { kind: "blob" }, times: 1, fault: { type: "reset-mid-body", afterBytes: 5000 } }]);
      const res = await request(`${proxy.url}${blobPath()}`, { dispatcher: agent, headers: auth });
      const received: Buffer[] = [];
      await assert.rejects(
        async () => {
          for await (const chunk of res.body) received.push(chunk as Buffer);
        },
        { code: "ECONNRESET" },
      );
      const got = Buffer.concat(received);
      assert.deepEqual(got, layer.bytes.subarray(0, 5000));
      const resumed = await viaProxy(blobPath(), { range: `bytes=${got.length}-` });
      assert.equal(resumed.status, 206);
      assert.deepEqual(Buffer.concat([got, resumed.body]), layer.bytes);
      assert.equal(lastRecord()?.fault, undefined);
      assert.equal(lastRecord()?.range, `bytes=${got.length}-`);
    });

    test("status faults answer without the registry: 429 with Retry-After, and a 503 burst counted by times", async () => {
      proxy.setFaults([
        { match: { kind: "manifest" }, times: 1, fault: { type: "status", status: 429, retryAfter: "1" } },
      ]);
      const limited = await viaProxy(manifestPath());
      assert.equal(limited.status, 429);
      assert.equal(limited.headers["retry-after"], "1");
      proxy.setFaults([
        { match: { kind: "manifest", method: "HEAD" }, times: 2, fault: { type: "status", status: 503, body: "{}" } },
        { match: { kind: "any" }, times: 1, fault: { type: "status", status: 500 } },
      ]);
      const head = () =>
        send(`${proxy.url}${manifestPath()}`, { method: "HEAD", headers: { ...auth, accept: MANIFEST_ACCEPT } });
      assert.deepEqual(
        [(await head()).status, (await head()).status, (await head()).status, (await head()).status],
        [503, 503, 500, 200],
      );
    });

    test("stall-body sends afterBytes and then nothing until the client gives up", async () => {
      proxy.setFaults([{ match: { kind: "blob" }, fault: { type: "stall-body", afterBytes: 2000 } }]);
      const controller = new AbortController();
      const reading = viaProxy(blobPath(), {}, controller.signal);
      for (let wait = 0; lastRecord()?.bytesSent !== 2000 && wait < 500; wait++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(lastRecord()?.bytesSent, 2000);
      const outcome = await Promise.race([
        reading.then(
          () => "finished",
          () => "failed",
        ),
        new Promise((resolve) => setTimeout(resolve, 300, "stalled")),
      ]);
      assert.equal(outcome, "stalled");
      controller.abort();
      await assert.rejects(reading, { name: "AbortError" });
      assert.equal(lastRecord()?.complete, false);
    });

    test("lying-digest-header rewrites Docker-Content-Digest and nothing else", async () => {
      const lie = `sha256:${"0".repeat(64)}`;
      proxy.setFaults([{ match: { kind: "manifest" }, fault: { type: "lying-digest-header", digest: lie } }]);
      const res = await viaProxy(manifestPath());
      assert.equal(res.headers["docker-content-digest"], lie);
      assert.deepEqual(res.body, manifest.bytes);
    });

    test("redirect-other-origin sends blobs to another origin that serves them without the client's Authorization", async () => {
      proxy.setFaults([{ match: { kind: "blob" }, fault: { type: "redirect-other-origin" } }]);
      const redirect = await viaProxy(blobPath());
      assert.equal(redirect.status, 307);
      const location = new URL(String(redirect.headers["location"]));
      assert.equal(location.origin, proxy.otherOrigin.url);
      assert.equal(location.pathname, blobPath());
      const served = await send(location.href);
      assert.equal(served.status, 200);
      assert.deepEqual(served.body, layer.bytes);
      assert.equal(proxy.otherOrigin.requests.at(-1)?.authorization, false);
      await send(location.href, { headers: auth });
      assert.equal(proxy.otherOrigin.requests.at(-1)?.authorization, mode === "token");
      assert.equal((await send(`${proxy.otherOrigin.url}${blobPath()}`)).status, 403, "no grant, no blob");
    });

    test("replace-body lets HEAD through and serves other bytes, with matching headers, to GET", async () => {
      const moved = Buffer.from('{"schemaVersion":2,"moved":true}');
      proxy.setFaults([
        {
          match: { kind: "manifest" },
          times: 1,
          fault: { type: "replace-body", body: moved, contentType: "application/vnd.oci.image.manifest.v1+json" },
        },
      ]);
      const head = await send(`${proxy.url}${manifestPath()}`, {
        method: "HEAD",
        headers: { ...auth, accept: MANIFEST_ACCEPT },
      });
      assert.equal(head.headers["docker-content-digest"], manifest.digest);
      const got = await viaProxy(manifestPath());
      assert.deepEqual(got.body, moved);
      assert.equal(got.headers["docker-content-digest"], `sha256:${createHash("sha256").update(moved).digest("hex")}`);
      assert.deepEqual((await viaProxy(manifestPath())).body, manifest.bytes, "times: 1");
    });

    test("Range passes through to a 206 slice, and faults apply to the slice", async () => {
      const slice = await viaProxy(blobPath(), { range: "bytes=10-19" });
      assert.equal(slice.status, 206);
      assert.equal(slice.headers["content-range"], `bytes 10-19/${layer.bytes.length}`);
      assert.deepEqual(slice.body, layer.bytes.subarray(10, 20));
      proxy.setFaults([{ match: { kind: "blob" }, fault: { type: "flip-byte" } }]);
      const flipped = await viaProxy(blobPath(), { range: "bytes=10-19" });
      assert.equal(flipped.status, 206);
      assert.deepEqual(differences(flipped.body, layer.bytes.subarray(10, 20)), [5]);
    });

    test("uploads go through the proxy, upload locations included", async () => {
      const client = clientFor({ ...registry, host: proxy.host });
      const pushed = await buildImage({
        flavour: "docker",
        platforms: [{ os: "linux", architecture: "arm64", layers: [[{ path: "etc/pushed", content: "via proxy\n" }]] }],
      });
      const before = proxy.requests.length;
      try {
        await writeImage(new RegistryStore(client, { registry: proxy.host, repository: "pushed/app" }), pushed, {
          tags: ["1.0"],
        });
      } finally {
        await client.close();
      }
      const seen = proxy.requests.slice(before);
      const uploads = seen.filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"));
      assert.equal(uploads.length, pushed.blobs.length);
      assert.ok(uploads.every((r) => r.status === 201));
      const direct = await send(`${registry.url}/v2/pushed/app/manifests/1.0`, {
        headers: {
          accept: MANIFEST_ACCEPT,
          ...(mode === "token" ? { authorization: `Bearer ${await tokenFor(registry, agent, "pushed/app")}` } : {}),
        },
      });
      assert.equal(direct.headers["docker-content-digest"], pushed.root.digest);
    });
  });
}

function differences(a: Buffer, b: Buffer): number[] {
  const at: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) at.push(i);
  return at;
}

async function tokenFor(registry: RunningRegistry, agent: Agent, repository = REPO): Promise<string> {
  const issuer = registry.tokenIssuer;
  if (issuer === undefined) throw new Error("Cannot get a token: the registry runs without a token issuer.");
  const url = `${issuer.realm}?service=${TOKEN_SERVICE}&scope=repository:${repository}:pull`;
  const basic = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
  const res = await request(url, { dispatcher: agent, headers: { authorization: `Basic ${basic}` } });
  return ((await res.body.json()) as { token: string }).token;
}
