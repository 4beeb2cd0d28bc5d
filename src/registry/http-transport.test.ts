import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DigestguardError } from "../errors/error.js";
import { HttpTransport } from "./http-transport.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Recorded {
  server: Server;
  origin: string;
  /** Path and headers of every request the server received. */
  seen: { path: string; headers: IncomingHttpHeaders }[];
}

const servers: Server[] = [];

async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<Recorded> {
  const seen: Recorded["seen"] = [];
  const record: Handler = (req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    handler(req, res);
  };
  const server = tls === undefined ? createHttpServer(record) : createHttpsServer(tls, record);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const scheme = tls === undefined ? "http" : "https";
  return { server, origin: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function redirectTo(location: (req: IncomingMessage) => string, status = 307): Handler {
  return (req, res) => void res.writeHead(status, { location: location(req) }).end();
}

const ok: Handler = (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("ok");

function isError(code: string, check: (error: DigestguardError) => void = () => undefined) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DigestguardError, `expected a DigestguardError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check(error);
    return true;
  };
}

let tlsDir: string;
let tlsMaterial: { key: string; cert: string };

before(async () => {
  // A self-signed certificate for 127.0.0.1 that no system store trusts.
  tlsDir = await mkdtemp(join(tmpdir(), "digestguard-transport-tls-"));
  const key = join(tlsDir, "key.pem");
  const cert = join(tlsDir, "cert.pem");
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ]);
  tlsMaterial = { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
});

after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(tlsDir, { recursive: true, force: true });
});

async function withTransport<T>(
  use: (http: HttpTransport) => Promise<T>,
  options?: ConstructorParameters<typeof HttpTransport>[0],
): Promise<T> {
  const http = new HttpTransport(options);
  try {
    return await use(http);
  } finally {
    await http.close();
  }
}

describe("redirects and Authorization", () => {
  const headerNames = ["authorization", "Authorization"];

  for (const name of headerNames) {
    test(`a redirect to another origin drops ${name} but keeps other headers`, async () => {
      const target = await serve(ok);
      const start = await serve(redirectTo(() => `${target.origin}/blob`));
      const res = await withTransport(async (http) => {
        const r = await http.send({
          method: "GET",
          url: new URL(`${start.origin}/v2/app/blobs/x`),
          headers: { [name]: "Bearer secret-token", accept: "application/octet-stream" },
        });
        await r.body.dump();
        return r;
      });
      assert.equal(res.status, 200);
      assert.equal(res.url.href, `${target.origin}/blob`);
      assert.equal(start.seen[0]?.headers.authorization, "Bearer secret-token");
      assert.equal(target.seen.length, 1);
      assert.equal(target.seen[0]?.headers.authorization, undefined);
      assert.equal(target.seen[0]?.headers.accept, "application/octet-stream");
    });
  }

  test("a same-origin redirect keeps Authorization", async () => {
    const server = await serve((req, res) =>
      req.url === "/final" ? ok(req, res) : redirectTo(() => "/final", 302)(req, res),
    );
    await withTransport(async (http) => {
      const res = await http.send({
        method: "GET",
        url: new URL(`${server.origin}/start`),
        headers: { authorization: "Basic dTpw" },
      });
      await res.body.dump();
      assert.equal(res.status, 200);
    });
    assert.deepEqual(
      server.seen.map((s) => [s.path, s.headers.authorization]),
      [
        ["/start", "Basic dTpw"],
        ["/final", "Basic dTpw"],
      ],
    );
  });

  test("Authorization stays dropped when a later hop comes back to the first origin", async () => {
    const first = await serve((req, res) =>
      req.url === "/back" ? ok(req, res) : redirectTo(() => `${other.origin}/bounce`)(req, res),
    );
    const other = await serve(redirectTo(() => `${first.origin}/back`));
    await withTransport(async (http) => {
      const res = await http.send({
        method: "GET",
        url: new URL(`${first.origin}/start`),
        headers: { authorization: "Bearer t" },
      });
      await res.body.dump();
      assert.equal(res.status, 200);
    });
    assert.deepEqual(
      first.seen.map((s) => s.headers.authorization),
      ["Bearer t", undefined],
    );
    assert.equal(other.seen[0]?.headers.authorization, undefined);
  });

  test("an https to http redirect is refused before the http server is contacted", async () => {
    const plain = await serve(ok);
    const secure = await serve(
      redirectTo(() => `${plain.origin}/blob`),
      tlsMaterial,
    );
    await withTransport(async (http) => {
      await assert.rejects(
        http.send({
          method: "GET",
          url: new URL(`${secure.origin}/v2/`),
          headers: { authorization: "Bearer t" },
          tls: { caPem: [tlsMaterial.cert] },
        }),
        isError("REDIRECT_REFUSED", (e) => assert.match(e.message, /downgrades https to http/)),
      );
    });
    assert.equal(secure.seen.length, 1);
    assert.equal(plain.seen.length, 0);
  });

  const chains = [
    { redirects: 5, refused: false },
    { redirects: 6, refused: true },
    { redirects: 50, refused: true },
  ];
  for (const { redirects, refused } of chains) {
    test(`a chain of ${redirects} redirects is ${refused ? "refused" : "followed"}`, async () => {
      const server = await serve((req, res) => {
        const hop = Number(req.url?.slice(1));
        if (hop >= redirects) return ok(req, res);
        redirectTo(() => `/${hop + 1}`, 301)(req, res);
      });
      await withTransport(async (http) => {
        const sending = http.send({ method: "GET", url: new URL(`${server.origin}/0`) });
        if (refused) {
          await assert.rejects(
            sending,
            isError("REDIRECT_REFUSED", (e) => assert.match(e.message, /more than 5 hops/)),
          );
        } else {
          const res = await sending;
          await res.body.dump();
          assert.equal(res.status, 200);
          assert.equal(res.url.pathname, `/${redirects}`);
        }
      });
      assert.equal(server.seen.length, refused ? 6 : redirects + 1);
    });
  }

  test("a redirect status without Location is returned as it is", async () => {
    const server = await serve((_req, res) => void res.writeHead(302).end());
    await withTransport(async (http) => {
      const res = await http.send({ method: "GET", url: new URL(`${server.origin}/x`) });
      await res.body.dump();
      assert.equal(res.status, 302);
    });
  });
});

describe("TLS", () => {
  test("an untrusted certificate fails with TLS and says how to fix it", async () => {
    const secure = await serve(ok, tlsMaterial);
    await withTransport(async (http) => {
      await assert.rejects(
        http.send({ method: "GET", url: new URL(`${secure.origin}/v2/`) }),
        isError("TLS", (e) => {
          assert.equal(e.temporary, false);
          assert.match(e.message, /--ca-file/);
          assert.match(e.message, /insecure/);
          assert.ok(e.message.includes(secure.origin), e.message);
        }),
      );
    });
  });

  const trusted = [
    { name: "trusting its CA through caPem", tls: () => ({ caPem: [tlsMaterial.cert] }) },
    { name: "skipping verification for an insecure host", tls: () => ({ insecureSkipVerify: true }) },
  ];
  for (const { name, tls } of trusted) {
    test(`the same server is reachable by ${name}`, async () => {
      const secure = await serve(ok, tlsMaterial);
      await withTransport(async (http) => {
        const res = await http.send({ method: "GET", url: new URL(`${secure.origin}/v2/`), tls: tls() });
        assert.equal(await res.body.text(), "ok");
        assert.equal(res.status, 200);
      });
    });
  }

  test("skipping verification for the insecure host does not carry over to a redirect target on another host", async () => {
    const elsewhere = await serve(ok, tlsMaterial);
    const insecure = await serve(
      redirectTo(() => `${elsewhere.origin}/blob`),
      tlsMaterial,
    );
    await withTransport(async (http) => {
      await assert.rejects(
        http.send({
          method: "GET",
          url: new URL(`${insecure.origin}/v2/app/blobs/x`),
          tls: { insecureSkipVerify: true },
        }),
        isError("TLS", (e) => assert.ok(e.message.includes(elsewhere.origin), e.message)),
      );
    });
    assert.equal(insecure.seen.length, 1);
    assert.equal(elsewhere.seen.length, 0, "the redirect target was reached without verifying its certificate");
  });

  test("trusting one CA for one request does not make another request trust it", async () => {
    const secure = await serve(ok, tlsMaterial);
    await withTransport(async (http) => {
      const res = await http.send({
        method: "GET",
        url: new URL(`${secure.origin}/v2/`),
        tls: { caPem: [tlsMaterial.cert] },
      });
      await res.body.dump();
      await assert.rejects(http.send({ method: "GET", url: new URL(`${secure.origin}/v2/`) }), isError("TLS"));
    });
  });
});

describe("network failures and timeouts", () => {
  test("a refused connection is NETWORK and temporary", async () => {
    const gone = await serve(ok);
    const origin = gone.origin;
    await new Promise((resolve) => gone.server.close(resolve));
    await withTransport(async (http) => {
      await assert.rejects(
        http.send({ method: "GET", url: new URL(`${origin}/v2/`) }),
        isError("NETWORK", (e) => {
          assert.equal(e.temporary, true);
          assert.equal(e.details["networkCode"], "ECONNREFUSED");
          assert.ok(e.message.includes(origin), e.message);
        }),
      );
    });
  });

  test("a server that never sends headers hits the headers timeout as TIMEOUT", async () => {
    const silent = await serve(() => undefined);
    await withTransport(
      async (http) => {
        await assert.rejects(
          http.send({ method: "GET", url: new URL(`${silent.origin}/v2/`) }),
          isError("TIMEOUT", (e) => assert.equal(e.temporary, true)),
        );
      },
      { timeouts: { headersMs: 200, bodyMs: 200 } },
    );
  });

  test("a document trickled a byte at a time is cut off at the total deadline as TIMEOUT", async () => {
    const trickle = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      const timer = setInterval(() => res.write("x"), 50);
      res.once("close", () => clearInterval(timer));
    });
    await withTransport(
      async (http) => {
        const res = await http.send({ method: "GET", url: new URL(`${trickle.origin}/v2/app/manifests/1`) });
        await assert.rejects(
          res.body.text(),
          isError("TIMEOUT", (e) => assert.equal(e.temporary, true)),
        );
      },
      { timeouts: { headersMs: 5_000, bodyMs: 500, totalMs: 400 } },
    );
  });

  test("a streamed blob is bounded by the idle timeout only, not by the total deadline", async () => {
    const trickle = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "12" });
      let sent = 0;
      const timer = setInterval(() => (++sent >= 12 ? (clearInterval(timer), res.end("x")) : res.write("x")), 50);
      res.once("close", () => clearInterval(timer));
    });
    await withTransport(
      async (http) => {
        const res = await http.send({ method: "GET", url: new URL(`${trickle.origin}/blob`), streaming: true });
        assert.equal(await res.body.text(), "x".repeat(12));
      },
      { timeouts: { headersMs: 5_000, bodyMs: 500, totalMs: 200 } },
    );
  });

  const stalls = [
    { name: "after the headers", firstBytes: "" },
    { name: "after part of the body", firstBytes: "partial" },
  ];
  for (const { name, firstBytes } of stalls) {
    test(`a body that stalls ${name} hits the body timeout as TIMEOUT`, async () => {
      const stalled = await serve((_req, res) => {
        res.writeHead(200, { "content-length": "1000" });
        res.flushHeaders();
        if (firstBytes !== "") res.write(firstBytes);
      });
      await withTransport(
        async (http) => {
          const res = await http.send({ method: "GET", url: new URL(`${stalled.origin}/blob`) });
          assert.equal(res.status, 200);
          await assert.rejects(
            res.body.text(),
            isError("TIMEOUT", (e) => {
              assert.equal(e.temporary, true);
              assert.ok(e.message.includes(stalled.origin), e.message);
            }),
          );
        },
        { timeouts: { headersMs: 5_000, bodyMs: 200 } },
      );
    });
  }

  test("a connection reset mid-body is a typed, temporary NETWORK error", async () => {
    const resetting = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("some bytes", () => res.socket?.destroy());
    });
    await withTransport(async (http) => {
      const res = await http.send({ method: "GET", url: new URL(`${resetting.origin}/blob`) });
      await assert.rejects(
        res.body.text(),
        isError("NETWORK", (e) => assert.equal(e.temporary, true)),
      );
    });
  });

  test("an aborted signal gives ABORTED", async () => {
    const silent = await serve(() => undefined);
    const controller = new AbortController();
    await withTransport(async (http) => {
      const sending = http.send({ method: "GET", url: new URL(`${silent.origin}/v2/`), signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(
        sending,
        isError("ABORTED", (e) => assert.equal(e.temporary, false)),
      );
    });
  });
});

describe("proxyFor: the proxy as Go tools choose it", () => {
  test("https uses HTTPS_PROXY only, http uses HTTP_PROXY, lower case first, empty means unset", async () => {
    const { proxyFor } = await import("./http-transport.js");
    const env = { HTTP_PROXY: "http://p1:3128", https_proxy: "", HTTPS_PROXY: "http://p2:3128" };
    assert.equal(proxyFor(new URL("https://r.example/v2/"), env), "http://p2:3128");
    assert.equal(proxyFor(new URL("http://r.example/v2/"), env), "http://p1:3128");
    assert.equal(proxyFor(new URL("https://r.example/v2/"), { HTTP_PROXY: "http://p1:3128" }), undefined);
  });
});
