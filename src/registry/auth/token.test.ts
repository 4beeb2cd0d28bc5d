import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DigestguardError } from "../../errors/error.js";
import type { HostSession } from "../host-session.js";
import { HttpTransport } from "../http-transport.js";
import { Authenticator } from "./authenticator.js";
import type { Credentials } from "./credentials.js";
import { fetchToken } from "./token.js";

interface TokenRequestSeen {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string> | undefined;
}

let server: Server;
let origin: string;
let http: HttpTransport;
const seen: TokenRequestSeen[] = [];
/** What the token server answers next; tests replace it. */
let answer: () => { status: number; body: string; delayMs?: number };
let issued = 0;

const fresh =
  (extra: Record<string, unknown> = {}) =>
  () => ({ status: 200, body: JSON.stringify({ token: `t${++issued}`, expires_in: 300, ...extra }) });

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const query: Record<string, string[]> = {};
      for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({
        method: req.method ?? "",
        path: url.pathname,
        query,
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        form: req.method === "POST" ? Object.fromEntries(new URLSearchParams(body)) : undefined,
      });
      const { status, body: reply, delayMs } = answer();
      setTimeout(() => res.writeHead(status, { "content-type": "application/json" }).end(reply), delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  http = new HttpTransport();
});

after(async () => {
  await http.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  answer = fresh();
});

describe("fetchToken", () => {
  test("GET with Basic credentials, service and every scope in the query", async () => {
    const token = await fetchToken(http, {
      realm: `${origin}/token`,
      service: "registry.test",
      scopes: ["repository:app:pull", "repository:base:pull,push"],
      credentials: { username: "u", password: "p:w" },
    });
    assert.match(token.token, /^t\d+$/);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0], {
      method: "GET",
      path: "/token",
      query: { service: ["registry.test"], scope: ["repository:app:pull", "repository:base:pull,push"] },
      authorization: `Basic ${Buffer.from("u:p:w").toString("base64")}`,
      contentType: undefined,
      form: undefined,
    });
  });

  test("GET anonymously sends no Authorization", async () => {
    await fetchToken(http, { realm: `${origin}/token`, service: "registry.test", scopes: ["repository:app:pull"] });
    assert.equal(seen[0]?.method, "GET");
    assert.equal(seen[0]?.authorization, undefined);
  });

  test("a realm with its own query keeps it", async () => {
    await fetchToken(http, { realm: `${origin}/token?account=robot`, scopes: ["repository:app:pull"] });
    assert.deepEqual(seen[0]?.query, { account: ["robot"], scope: ["repository:app:pull"] });
  });

  test("POST an OAuth2 refresh_token form when the credentials are an identity token", async () => {
    await fetchToken(http, {
      realm: `${origin}/oauth`,
      service: "registry.test",
      scopes: ["repository:app:pull", "repository:base:pull"],
      credentials: { identityToken: "refresh-secret" },
    });
    assert.equal(seen.length, 1);
    const request = seen[0] as TokenRequestSeen;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/oauth");
    assert.equal(request.contentType, "application/x-www-form-urlencoded");
    assert.equal(request.authorization, undefined);
    assert.deepEqual(request.query, {});
    assert.deepEqual(request.form, {
      grant_type: "refresh_token",
      refresh_token: "refresh-secret",
      client_id: "digestguard",
      service: "registry.test",
      scope: "repository:app:pull repository:base:pull",
    });
  });

  const bodies: { name: string; body: unknown; token?: string; error?: RegExp }[] = [
    { name: "`token`", body: { token: "from-token" }, token: "from-token" },
    { name: "`access_token` (OAuth2)", body: { access_token: "from-access" }, token: "from-access" },
    { name: "both, `token` first", body: { token: "from-token", access_token: "from-access" }, token: "from-token" },
    {
      name: "an empty `token` and an `access_token`",
      body: { token: "", access_token: "from-access" },
      token: "from-access",
    },
    { name: "no token at all", body: { expires_in: 300 }, error: /returned no token/ },
    { name: "a token that is not a string", body: { token: 42 }, error: /returned no token/ },
    { name: "something that is not JSON", body: "<html>login</html>", error: /not JSON/ },
  ];
  for (const { name, body, token, error } of bodies) {
    test(`a token response with ${name}`, async () => {
      answer = () => ({ status: 200, body: typeof body === "string" ? body : JSON.stringify(body) });
      const fetching = fetchToken(http, { realm: `${origin}/token`, scopes: [] });
      if (token !== undefined) {
        assert.equal((await fetching).token, token);
      } else {
        await assert.rejects(
          fetching,
          (e) => e instanceof DigestguardError && e.code === "REGISTRY_ERROR" && (error as RegExp).test(e.message),
        );
      }
    });
  }

  const lifetimes: { name: string; body: Record<string, unknown>; validForMs: number }[] = [
    { name: "no expires_in gets the 60 s default, less the 10 s margin", body: {}, validForMs: 50_000 },
    { name: "expires_in is honoured, less the margin", body: { expires_in: 300 }, validForMs: 290_000 },
    { name: "a zero expires_in gets the default", body: { expires_in: 0 }, validForMs: 50_000 },
    { name: "a string expires_in gets the default", body: { expires_in: "300" }, validForMs: 50_000 },
    {
      name: "an issued_at in the future is not trusted",
      body: { expires_in: 300, issued_at: new Date(Date.now() + 3_600_000).toISOString() },
      validForMs: 290_000,
    },
  ];
  for (const { name, body, validForMs } of lifetimes) {
    test(`expiry: ${name}`, async () => {
      answer = () => ({ status: 200, body: JSON.stringify({ token: "t", ...body }) });
      const before = Date.now();
      const { expiresAt } = await fetchToken(http, { realm: `${origin}/token`, scopes: [] });
      const after = Date.now();
      assert.ok(expiresAt >= before + validForMs && expiresAt <= after + validForMs, `${expiresAt - before} ms`);
    });
  }

  test("an issued_at in the past counts from when it was issued", async () => {
    const issuedAt = Date.now() - 100_000;
    answer = () => ({
      status: 200,
      body: JSON.stringify({ token: "t", expires_in: 300, issued_at: new Date(issuedAt).toISOString() }),
    });
    const { expiresAt } = await fetchToken(http, { realm: `${origin}/token`, scopes: [] });
    assert.equal(expiresAt, issuedAt + 290_000);
  });

  test("a refusal is a typed error that does not repeat the password", async () => {
    answer = () => ({
      status: 401,
      body: JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "incorrect username or password" }] }),
    });
    await assert.rejects(
      fetchToken(http, {
        realm: `${origin}/token`,
        scopes: ["repository:app:pull"],
        credentials: { username: "u", password: "p4ssw0rd-secret" },
      }),
      (e) => {
        assert.ok(e instanceof DigestguardError);
        assert.equal(e.code, "UNAUTHORIZED");
        assert.match(e.message, /incorrect username or password/);
        assert.ok(e.message.includes(origin));
        assert.ok(!e.message.includes("p4ssw0rd-secret"));
        return true;
      },
    );
  });

  test("a realm that is not an http(s) URL is refused without a request", async () => {
    await assert.rejects(fetchToken(http, { realm: "file:///etc/passwd", scopes: [] }), { code: "REGISTRY_ERROR" });
    assert.equal(seen.length, 0);
  });
});

describe("Authenticator", () => {
  const PULL = ["repository:app:pull"];
  const bearer = (): HostSession => ({
    host: "registry.test",
    // A plain-http registry: only such a registry may name the plain-http realm these tests serve.
    baseUrl: new URL("http://registry.test"),
    tls: {},
    challenge: { scheme: "bearer", params: { realm: `${origin}/token`, service: "registry.test" } },
  });

  function authenticator(credentials?: Credentials): { auth: Authenticator; lookups: string[] } {
    const lookups: string[] = [];
    const auth = new Authenticator(http, async (host, repository) => {
      lookups.push(`${host} ${repository ?? ""}`);
      return credentials;
    });
    return { auth, lookups };
  }

  test("two calls for one scope share one token", async () => {
    const { auth, lookups } = authenticator({ username: "u", password: "p" });
    const session = bearer();
    const first = await auth.headers(session, PULL, "app");
    const second = await auth.headers(session, PULL, "app");
    assert.match(first["authorization"] ?? "", /^Bearer t\d+$/);
    assert.deepEqual(second, first);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.authorization, `Basic ${Buffer.from("u:p").toString("base64")}`);
    assert.deepEqual(lookups, ["registry.test app"]);
  });

  test("concurrent calls for one scope send one token request", async () => {
    answer = () => ({ ...fresh()(), delayMs: 50 });
    const { auth } = authenticator();
    const session = bearer();
    const all = await Promise.all(Array.from({ length: 8 }, () => auth.headers(session, PULL, "app")));
    assert.equal(seen.length, 1);
    assert.equal(new Set(all.map((h) => h["authorization"])).size, 1);
  });

  test("concurrent calls that find an expired token refresh it once", async () => {
    const { auth } = authenticator();
    const session = bearer();
    // Issued long ago, so it is expired on arrival.
    answer = fresh({ issued_at: new Date(Date.now() - 3_600_000).toISOString() });
    await auth.headers(session, PULL, "app");
    answer = () => ({ ...fresh()(), delayMs: 50 });
    const all = await Promise.all(Array.from({ length: 8 }, () => auth.headers(session, PULL, "app")));
    assert.equal(seen.length, 2);
    assert.equal(new Set(all.map((h) => h["authorization"])).size, 1);
  });

  test("an expired token is replaced", async () => {
    const { auth } = authenticator();
    const session = bearer();
    answer = fresh({ issued_at: new Date(Date.now() - 3_600_000).toISOString() });
    const old = await auth.headers(session, PULL, "app");
    answer = fresh();
    const renewed = await auth.headers(session, PULL, "app");
    assert.equal(seen.length, 2);
    assert.notDeepEqual(renewed, old);
  });

  test("each scope gets its own token; scope order does not matter", async () => {
    const { auth } = authenticator();
    const session = bearer();
    await auth.headers(session, ["repository:app:pull"], "app");
    await auth.headers(session, ["repository:other:pull"], "other");
    await auth.headers(session, ["repository:a:pull", "repository:b:pull"]);
    await auth.headers(session, ["repository:b:pull", "repository:a:pull"]);
    assert.deepEqual(
      seen.map((s) => s.query["scope"]),
      [["repository:app:pull"], ["repository:other:pull"], ["repository:a:pull", "repository:b:pull"]],
    );
  });

  test("forget() makes the next call fetch a new token", async () => {
    const { auth } = authenticator();
    const session = bearer();
    const first = await auth.headers(session, PULL, "app");
    auth.forget(session, PULL);
    const second = await auth.headers(session, PULL, "app");
    assert.equal(seen.length, 2);
    assert.notDeepEqual(second, first);
    await auth.headers(session, PULL, "app");
    assert.equal(seen.length, 2);
  });

  test("a failed token request is not cached", async () => {
    const { auth } = authenticator();
    const session = bearer();
    answer = () => ({ status: 503, body: "" });
    await assert.rejects(auth.headers(session, PULL, "app"), { code: "REGISTRY_UNAVAILABLE" });
    answer = fresh();
    assert.match((await auth.headers(session, PULL, "app"))["authorization"] ?? "", /^Bearer /);
    assert.equal(seen.length, 2);
  });

  test("an identity token is exchanged by POST", async () => {
    const { auth } = authenticator({ identityToken: "refresh-secret" });
    await auth.headers(bearer(), PULL, "app");
    assert.equal(seen[0]?.method, "POST");
    assert.equal(seen[0]?.form?.["refresh_token"], "refresh-secret");
  });

  const others: {
    name: string;
    session: () => HostSession;
    credentials?: Credentials;
    expected: Record<string, string>;
  }[] = [
    {
      name: "no challenge: no header, no lookup",
      session: () => ({ ...bearer(), challenge: undefined }),
      credentials: { username: "u", password: "p" },
      expected: {},
    },
    {
      name: "Basic with a password",
      session: () => ({ ...bearer(), challenge: { scheme: "basic", params: { realm: "x" } } }),
      credentials: { username: "u", password: "p" },
      expected: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` },
    },
    {
      name: "Basic, anonymous",
      session: () => ({ ...bearer(), challenge: { scheme: "basic", params: {} } }),
      expected: {},
    },
    {
      name: "Basic with only an identity token",
      session: () => ({ ...bearer(), challenge: { scheme: "basic", params: {} } }),
      credentials: { identityToken: "x" },
      expected: {},
    },
    {
      name: "Bearer without a realm",
      session: () => ({ ...bearer(), challenge: { scheme: "bearer", params: {} } }),
      expected: {},
    },
  ];
  for (const { name, session, credentials, expected } of others) {
    test(`headers: ${name}`, async () => {
      const { auth } = authenticator(credentials);
      assert.deepEqual(await auth.headers(session(), PULL, "app"), expected);
      assert.equal(seen.length, 0);
    });
  }
});
