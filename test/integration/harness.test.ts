// Proves the integration harness itself: each registry mode starts, speaks
// the distribution protocol with the expected auth semantics, is reachable by
// skopeo with the flags the harness chooses, logs requests, and goes away
// completely when stopped.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request, type Dispatcher } from "undici";
import { HARNESS_USER_AGENT, portAcceptsConnections } from "../support/loopback.js";
import { registrySkipReason, startRegistry, type RegistryMode, type RunningRegistry } from "../support/registry.js";
import { launchRegistryProcess } from "../support/registry-process.js";
import { requireToolOrSkip, toolSkipReason } from "../support/require-tool.js";
import { requireSkopeoOrSkip, skopeo } from "../support/skopeo.js";

const MODES: RegistryMode[] = ["http", "tls", "basic", "token"];

for (const mode of MODES) {
  describe(`registry harness, ${mode} mode`, { skip: registrySkipReason() }, () => {
    let registry: RunningRegistry;
    let dispatcher: Dispatcher;

    before(async () => {
      registry = await startRegistry({ mode, signal: AbortSignal.timeout(30_000) });
      dispatcher = new Agent({ connect: registry.caPem === undefined ? {} : { ca: registry.caPem } });
    });

    after(async () => {
      await registry?.stop();
      await dispatcher?.close();
    });

    const get = async (path: string, authorization?: string) => {
      const response = await request(`${registry.url}${path}`, {
        dispatcher,
        headers: authorization === undefined ? {} : { authorization },
      });
      await response.body.text();
      return response;
    };

    it("reports where it listens and how to reach it", () => {
      assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(registry.url, `${mode === "http" ? "http" : "https"}://${registry.host}`);
      assert.equal(registry.caFile !== undefined, mode !== "http");
      assert.equal(registry.password !== undefined, mode === "basic" || mode === "token");
      assert.equal(registry.tokenIssuer !== undefined, mode === "token");
      const hex = "ab".repeat(32);
      assert.equal(
        registry.blobDataPath(`sha256:${hex}`),
        `${registry.storageDir}/docker/registry/v2/blobs/sha256/ab/${hex}/data`,
      );
      assert.throws(() => registry.blobDataPath("sha256:../../etc"), /not a sha256 digest/);
    });

    it("answers GET /v2/ with the mode's auth semantics", async () => {
      const anonymous = await get("/v2/");
      assert.equal(anonymous.headers["docker-distribution-api-version"], "registry/2.0");
      if (mode === "http" || mode === "tls") {
        assert.equal(anonymous.statusCode, 200);
        return;
      }
      assert.equal(anonymous.statusCode, 401);
      const challenge = String(anonymous.headers["www-authenticate"]);
      const basic = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString("base64")}`;
      if (mode === "basic") {
        assert.match(challenge, /^Basic realm="digestguard-test"/);
        assert.equal((await get("/v2/", basic)).statusCode, 200);
        assert.equal((await get("/v2/", `Basic ${Buffer.from("tester:wrong").toString("base64")}`)).statusCode, 401);
        return;
      }
      const issuer = registry.tokenIssuer!;
      assert.equal(challenge, `Bearer realm="${issuer.realm}",service="digestguard-test"`);
      const tokenResponse = await request(`${issuer.realm}?service=digestguard-test`, {
        dispatcher,
        headers: { authorization: basic },
      });
      assert.equal(tokenResponse.statusCode, 200);
      const body = (await tokenResponse.body.json()) as {
        token: string;
        access_token: string;
        expires_in: number;
        issued_at: string;
      };
      assert.equal(body.access_token, body.token);
      assert.equal(body.expires_in, 300);
      assert.equal((await get("/v2/", `Bearer ${body.token}`)).statusCode, 200);
      assert.equal((await get("/v2/", "Bearer not.a.token")).statusCode, 401);
    });

    if (mode === "token") {
      it("issues tokens only for valid credentials and scopes them", async () => {
        const issuer = registry.tokenIssuer!;
        const before = issuer.requestCount;
        const scope = "repository:team/app:pull,push";
        const denied = await request(`${issuer.realm}?service=digestguard-test&scope=${scope}`, {
          dispatcher,
          headers: { authorization: `Basic ${Buffer.from("tester:wrong").toString("base64")}` },
        });
        await denied.body.text();
        assert.equal(denied.statusCode, 401);

        const anonymous = (await (
          await request(`${issuer.realm}?service=digestguard-test&scope=${scope}`, { dispatcher })
        ).body.json()) as { token: string };
        const tags = await get("/v2/team/app/tags/list", `Bearer ${anonymous.token}`);
        assert.equal(tags.statusCode, 401, "an anonymous token grants nothing");

        const form = new URLSearchParams({
          grant_type: "password",
          username: registry.username!,
          password: registry.password!,
          service: "digestguard-test",
          scope: `${scope} registry:catalog:*`,
          client_id: "digestguard-test",
          access_type: "offline",
        });
        const posted = await request(issuer.realm, {
          dispatcher,
          method: "POST",
          body: form.toString(),
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        const oauth = (await posted.body.json()) as { access_token: string; refresh_token: string };
        assert.equal(posted.statusCode, 200);
        assert.equal(
          (await get("/v2/team/app/tags/list", `Bearer ${oauth.access_token}`)).statusCode,
          404,
          "authorized, repository unknown",
        );
        assert.equal((await get("/v2/_catalog", `Bearer ${oauth.access_token}`)).statusCode, 200);

        const refreshed = await request(issuer.realm, {
          dispatcher,
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: oauth.refresh_token,
            service: "digestguard-test",
            scope,
          }).toString(),
        });
        await refreshed.body.text();
        assert.equal(refreshed.statusCode, 200);

        assert.equal(issuer.requestCount - before, 4);
        const last = issuer.requests.at(-1)!;
        assert.deepEqual(last.granted, [{ type: "repository", name: "team/app", actions: ["pull", "push"] }]);
        assert.equal(last.grant, "refresh_token");

        issuer.failNext(1, { status: 503, retryAfterSeconds: 2 });
        const failed = await request(issuer.realm, { dispatcher });
        await failed.body.text();
        assert.equal(failed.statusCode, 503);
        assert.equal(failed.headers["retry-after"], "2");
        const recovered = await request(issuer.realm, { dispatcher });
        await recovered.body.text();
        assert.equal(recovered.statusCode, 200);
      });
    }

    it("is reachable by skopeo with the harness's TLS and credential flags", async (t) => {
      if (!requireSkopeoOrSkip(t)) return;
      const tokensBefore = registry.tokenIssuer?.requestCount ?? 0;
      const result = await skopeo(["list-tags", `docker://${registry.host}/nothing`], { registry });
      assert.notEqual(result.exitCode, 0);
      if (registry.tokenIssuer !== undefined) {
        assert.ok(registry.tokenIssuer.requestCount > tokensBefore, "skopeo fetched a token from the issuer");
      }
      // skopeo 1.9 reports the registry's NAME_UNKNOWN as a bare 404; any TLS
      // or auth problem would fail earlier with a different message.
      assert.match(result.stderr, /404|name unknown|repository name not known/i);
      assert.doesNotMatch(result.stderr, /certificate|x509|unauthorized|authentication required/i);
    });

    it("records requests in the registry's own access log", async () => {
      const log = await registry.requestLog();
      const pings = log.filter((entry) => entry.method === "GET" && entry.uri === "/v2/");
      assert.ok(pings.length >= 1, `expected GET /v2/ entries in ${JSON.stringify(log)}`);
      const expected = mode === "http" || mode === "tls" ? 200 : 401;
      assert.ok(pings.some((entry) => entry.status === expected));
      assert.ok(
        log.every((entry) => !entry.uri.includes("barrier") && entry.userAgent !== HARNESS_USER_AGENT),
        "the harness's own readiness and marker requests are left out",
      );
      const again = await registry.requestLog();
      assert.equal(again.length, log.length, "reading the log adds no entries");
    });

    it("stops completely and idempotently", async () => {
      const port = Number(registry.host.split(":")[1]);
      await registry.stop();
      await registry.stop();
      assert.equal(await portAcceptsConnections(port), false);
      assert.equal(existsSync(registry.storageDir), false);
      if (registry.tokenIssuer !== undefined) {
        assert.equal(await portAcceptsConnections(registry.tokenIssuer.port), false);
      }
    });
  });
}

describe("registry harness, cancellation", { skip: registrySkipReason() }, () => {
  it("rejects at once when the signal is already aborted", async () => {
    await assert.rejects(startRegistry({ mode: "http", signal: AbortSignal.abort() }), { name: "AbortError" });
  });
});

describe("registry harness, failures and requirements", () => {
  it("explains a registry that cannot start with the end of its stderr", { skip: registrySkipReason() }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "digestguard-harness-test-"));
    try {
      const configFile = join(dir, "config.yml");
      await writeFile(configFile, JSON.stringify({ version: 0.1, storage: { nosuchdriver: {} } }));
      await assert.rejects(
        launchRegistryProcess({
          configFile,
          stdoutFile: join(dir, "out.log"),
          stderrFile: join(dir, "err.log"),
          url: "http://127.0.0.1:9",
          readyTimeoutMs: 5000,
        }),
        (error: Error) => {
          assert.match(error.message, /^Cannot start docker-registry at http:\/\/127\.0\.0\.1:9: the process exited/);
          assert.match(error.message, /nosuchdriver/);
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("skips when a tool is missing, but fails when CI is set", () => {
    const missing = { name: "frobnicator", available: false, install: "apt-get install frobnicator" };
    const saved = process.env.CI;
    try {
      delete process.env.CI;
      const skipped: string[] = [];
      assert.equal(
        requireToolOrSkip(
          {
            skip: (message) => {
              skipped.push(message ?? "");
            },
          },
          missing,
        ),
        false,
      );
      assert.match(skipped[0] ?? "", /frobnicator is not installed/);
      assert.match(String(toolSkipReason(missing)), /frobnicator/);
      process.env.CI = "true";
      assert.throws(() => requireToolOrSkip({ skip: () => undefined }, missing), /required when CI is set/);
      assert.equal(toolSkipReason(missing), false, "in CI the suite runs, and fails on its own");
      assert.equal(
        requireToolOrSkip({ skip: () => assert.fail("must not skip") }, { ...missing, available: true }),
        true,
      );
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});
