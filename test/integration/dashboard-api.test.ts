import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { request } from "undici";
import { dashboardRoutes } from "../../src/dashboard/start-dashboard.js";
import { startDashboard } from "../../src/dashboard/start-dashboard.js";
import { isCode } from "../../src/errors/predicates.js";
import { type DashboardFixture, startDashboardFixture } from "../support/dashboard-fixture.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { tempFolders } from "../support/temp-folders.js";

// The dashboard's HTTP face with a real client: the JSON API, its errors,
// who may do what (the rule follows the bound address), the security
// headers, compression, the metrics scrape and the OpenAPI file.

const tempFolder = tempFolders("dashboard-api");
const TOKEN = "a-test-token-of-enough-length-0123456789";
const d = (c: string): string => `sha256:${c.repeat(64)}`;
const APP = "127.0.0.1:5000/team/app:1";
const HOSTILE = '<img src=x onerror="alert(1)">';

async function seed(dash: DashboardFixture): Promise<void> {
  const record = (reference: string, digest: string | undefined, at: string, events: object[] = []) =>
    dash.history.recordCheck({
      reference,
      at,
      ...(digest === undefined
        ? {}
        : { sighting: { digest, platforms: [{ platform: "linux/amd64", digest: d("9") }] } }),
      events: events.map((e) => ({ reference, at, ...e })) as never,
      notifyTo: () => ["ops"],
    });
  await record(APP, d("a"), "2026-01-01T00:00:00.000Z");
  await record(APP, d("b"), "2026-01-02T00:00:00.000Z", [{ kind: "moved", from: d("a"), to: d("b") }]);
  await record("127.0.0.2:5000/other:2", d("c"), "2026-01-01T00:00:00.000Z");
  await record("127.0.0.2:5000/other:2", undefined, "2026-01-03T00:00:00.000Z", [
    { kind: "check-error", detail: { code: "NETWORK", message: `Cannot reach ${HOSTILE}` } },
  ]);
}

const get = (url: string, headers: Record<string, string> = {}) => request(url, { headers });
const post = (url: string, headers: Record<string, string> = {}, body?: string) =>
  request(url, { method: "POST", headers, ...(body === undefined ? {} : { body }) });
const json = async (response: Awaited<ReturnType<typeof request>>) => (await response.body.json()) as any;

describe("dashboard API on loopback", () => {
  let dash: DashboardFixture;
  before(async () => {
    dash = await startDashboardFixture(await tempFolder(), { token: TOKEN });
    await seed(dash);
  });
  after(async () => dash?.stop());

  it("lists images with their status, filtered by registry, status and event kind", async () => {
    const all = await json(await get(`${dash.url}/api/v1/images`));
    assert.deepEqual(
      all.images.map((i: any) => [i.reference, i.status, i.lastEvent?.kind]),
      [
        [APP, "drifted", "moved"],
        ["127.0.0.2:5000/other:2", "error", "check-error"],
      ],
    );
    const byRegistry = await json(await get(`${dash.url}/api/v1/images?registry=127.0.0.2:5000`));
    assert.deepEqual(
      byRegistry.images.map((i: any) => i.reference),
      ["127.0.0.2:5000/other:2"],
    );
    const byStatus = await json(await get(`${dash.url}/api/v1/images?status=drifted`));
    assert.deepEqual(
      byStatus.images.map((i: any) => i.reference),
      [APP],
    );
    const byKind = await json(await get(`${dash.url}/api/v1/images?kind=check-error`));
    assert.deepEqual(
      byKind.images.map((i: any) => i.reference),
      ["127.0.0.2:5000/other:2"],
    );
    const bad = await get(`${dash.url}/api/v1/images?status=fine`);
    assert.equal(bad.statusCode, 400);
    assert.equal((await json(bad)).error.code, "USAGE");
  });

  it("answers a tag's history, events and pending deliveries, and a stable error for an unknown tag", async () => {
    const history = await json(await get(`${dash.url}/api/v1/images/${encodeURIComponent(APP)}`));
    assert.deepEqual(
      history.observations.map((o: any) => o.digest),
      [d("a"), d("b")],
    );
    assert.deepEqual(
      history.events.map((e: any) => e.kind),
      ["moved"],
    );
    const events = await json(await get(`${dash.url}/api/v1/events?kind=moved`));
    assert.deepEqual(
      events.events.map((e: any) => e.reference),
      [APP],
    );
    const deliveries = await json(await get(`${dash.url}/api/v1/deliveries`));
    assert.equal(deliveries.deliveries.length, 2);
    const missing = await get(`${dash.url}/api/v1/images/${encodeURIComponent("127.0.0.1:5000/none:1")}`);
    assert.equal(missing.statusCode, 404);
    assert.equal((await json(missing)).error.code, "NOT_FOUND");
    const nowhere = await get(`${dash.url}/api/v2/images`);
    assert.deepEqual(Object.keys((await json(nowhere)).error).sort(), ["code", "message"]);
  });

  it("refuses the wrong method with 405 and says which one is allowed", async () => {
    const getChecks = await get(`${dash.url}/api/v1/checks`);
    assert.equal(getChecks.statusCode, 405);
    assert.equal(getChecks.headers.allow, "POST");
    assert.equal((await json(getChecks)).error.code, "METHOD_NOT_ALLOWED");
    const postImages = await post(`${dash.url}/api/v1/images`, { authorization: `Bearer ${TOKEN}` });
    assert.equal(postImages.statusCode, 405);
    await postImages.body.dump();
    assert.equal(dash.checksStarted, 0);
  });

  it("takes write actions only with the token, and never from another site", async () => {
    const bare = await post(`${dash.url}/api/v1/checks`);
    assert.equal(bare.statusCode, 401);
    assert.equal((await json(bare)).error.code, "UNAUTHORIZED");
    const wrong = await post(`${dash.url}/api/v1/checks`, { authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.statusCode, 401);
    await wrong.body.dump();
    const crossOrigin = await post(`${dash.url}/api/v1/checks`, {
      authorization: `Bearer ${TOKEN}`,
      origin: "http://evil.example",
    });
    assert.equal(crossOrigin.statusCode, 403);
    await crossOrigin.body.dump();
    const crossSite = await post(`${dash.url}/api/v1/checks`, {
      authorization: `Bearer ${TOKEN}`,
      "sec-fetch-site": "cross-site",
    });
    assert.equal(crossSite.statusCode, 403);
    await crossSite.body.dump();
    assert.equal(dash.checksStarted, 0, "no refused request started a cycle");
    const good = await post(`${dash.url}/api/v1/checks`, { authorization: `Bearer ${TOKEN}`, origin: dash.url });
    assert.equal(good.statusCode, 202);
    await good.body.dump();
    assert.equal(dash.checksStarted, 1);
    const retry = await post(`${dash.url}/api/v1/deliveries/some-id/retry`, { authorization: `Bearer ${TOKEN}` });
    assert.deepEqual(await json(retry), { delivered: true });
    const big = await post(`${dash.url}/api/v1/checks`, { authorization: `Bearer ${TOKEN}` }, "x".repeat(20_000));
    assert.equal(big.statusCode, 413);
    await big.body.dump();
  });

  it("refuses a request whose Host is not loopback, so a rebound DNS name cannot read it", async () => {
    const rebound = await get(`${dash.url}/api/v1/images`, { host: "attacker.example:8080" });
    assert.equal(rebound.statusCode, 403);
    assert.equal((await json(rebound)).error.code, "DENIED");
    const page = await get(`${dash.url}/`, { host: "attacker.example" });
    assert.equal(page.statusCode, 403);
    await page.body.dump();
    for (const host of ["localhost:1", "127.0.0.1", "[::1]:8080"]) {
      const fine = await get(`${dash.url}/healthz`, { host });
      assert.equal(fine.statusCode, 200, host);
      await fine.body.dump();
    }
  });

  it("sets a strict CSP and friends, escapes markup from error texts, and compresses for clients that accept it", async () => {
    const page = await get(`${dash.url}/`, { "accept-encoding": "gzip" });
    assert.equal(page.statusCode, 200);
    assert.match(
      String(page.headers["content-security-policy"]),
      /default-src 'none'; style-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(page.headers["x-content-type-options"], "nosniff");
    assert.equal(page.headers["referrer-policy"], "no-referrer");
    assert.equal(page.headers["content-encoding"], "gzip");
    const body = gunzipSync(Buffer.from(await page.body.arrayBuffer())).toString("utf8");
    assert.ok(body.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"), "the error text is shown as text");
    assert.ok(!body.includes("<img"), "no element from the error text");
    assert.ok(!/<script|style=/.test(body), "nothing inline the CSP would have to allow");
  });

  it("answers /healthz and /readyz", async () => {
    assert.equal((await json(await get(`${dash.url}/healthz`))).status, "ok");
    assert.equal((await get(`${dash.url}/readyz`)).statusCode, 200);
  });
});

describe("dashboard fleet", () => {
  it("shows which worker checked what, and when, in the API and on the pages, escaped", async () => {
    const dash = await startDashboardFixture(await tempFolder());
    try {
      const check = (reference: string, worker: string, at: string) =>
        dash.history.recordCheck({
          reference,
          at,
          sighting: { digest: d("a"), platforms: [] },
          events: [],
          notifyTo: () => [],
          worker,
        });
      await check(APP, "w1", "2026-01-01T00:00:00.000Z");
      await check("127.0.0.1:5000/team/app:2", "w1", "2026-01-01T00:00:01.000Z");
      await check("127.0.0.1:5000/team/app:3", HOSTILE, "2026-01-01T00:00:02.000Z");
      const { workers } = await json(await get(`${dash.url}/api/v1/workers`));
      assert.deepEqual(workers, [
        { worker: HOSTILE, lastCheckAt: "2026-01-01T00:00:02.000Z", checks: 1 },
        { worker: "w1", lastCheckAt: "2026-01-01T00:00:01.000Z", checks: 2 },
      ]);
      const { images } = await json(await get(`${dash.url}/api/v1/images`));
      assert.deepEqual(
        images.map((i: any) => [i.reference, i.checkedBy, i.checkedAt]),
        [
          [APP, "w1", "2026-01-01T00:00:00.000Z"],
          ["127.0.0.1:5000/team/app:2", "w1", "2026-01-01T00:00:01.000Z"],
          ["127.0.0.1:5000/team/app:3", HOSTILE, "2026-01-01T00:00:02.000Z"],
        ],
      );
      const tag = await json(await get(`${dash.url}/api/v1/images/${encodeURIComponent(APP)}`));
      assert.deepEqual([tag.checkedBy, tag.checkedAt], ["w1", "2026-01-01T00:00:00.000Z"]);
      const escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;";
      for (const path of ["/fleet", "/", `/tags/${encodeURIComponent("127.0.0.1:5000/team/app:3")}`]) {
        const page = await (await get(`${dash.url}${path}`)).body.text();
        assert.ok(!page.includes(HOSTILE), `${path} escapes the worker name`);
        assert.ok(page.includes(escaped), `${path} names the worker`);
      }
      const fleet = await (await get(`${dash.url}/fleet`)).body.text();
      assert.match(fleet, /<td class="worker">w1<\/td><td>2026-01-01T00:00:01.000Z<\/td><td>2<\/td>/);
    } finally {
      await dash.stop();
    }
  });
});

describe("dashboard readiness", () => {
  it("is not ready until the first cycle is done", async () => {
    let ready = false;
    const dash = await startDashboardFixture(await tempFolder(), { context: { ready: () => ready } });
    try {
      const early = await get(`${dash.url}/readyz`);
      assert.equal(early.statusCode, 503);
      assert.equal((await json(early)).error.code, "NOT_READY");
      ready = true;
      assert.equal((await get(`${dash.url}/readyz`)).statusCode, 200);
    } finally {
      await dash.stop();
    }
  });
});

describe("dashboard beyond loopback", () => {
  it("refuses to start without a token", async () => {
    const folder = await tempFolder();
    await assert.rejects(startDashboardFixture(folder, { host: "0.0.0.0" }), (e) => isCode(e, "CONFIG_INVALID"));
    // The refusal comes before anything listens.
    await assert.rejects(startDashboard({ host: "0.0.0.0", port: 0 }, undefined, undefined as never), (e) =>
      isCode(e, "CONFIG_INVALID"),
    );
  });

  it("needs the bearer token for every request, reads included", async () => {
    // Bound to every interface, reached only through 127.0.0.1: the rule follows the bind, not the peer.
    const dash = await startDashboardFixture(await tempFolder(), { host: "0.0.0.0", token: TOKEN });
    try {
      for (const path of ["/", "/api/v1/images", "/metrics", "/static/dashboard.css"]) {
        const refused = await get(`${dash.url}${path}`);
        assert.equal(refused.statusCode, 401, path);
        assert.equal(refused.headers["www-authenticate"], "Bearer");
        await refused.body.dump();
        const wrong = await get(`${dash.url}${path}`, { authorization: "Bearer nope" });
        assert.equal(wrong.statusCode, 401, path);
        await wrong.body.dump();
        const allowed = await get(`${dash.url}${path}`, { authorization: `Bearer ${TOKEN}` });
        assert.equal(allowed.statusCode, 200, path);
        await allowed.body.dump();
      }
    } finally {
      await dash.stop();
    }
  });
});

describe("dashboard metrics and OpenAPI", () => {
  it("serves a scrape the Prometheus text parser reads, with every metric", async () => {
    const dash = await startDashboardFixture(await tempFolder());
    try {
      await seed(dash);
      const { observer, registryResponse } = dash.context.metrics;
      observer.checked?.("127.0.0.1:5000", "changed");
      observer.recorded?.({
        id: 1,
        kind: "check-error",
        reference: APP,
        at: "2026-01-01T00:00:00Z",
        detail: { code: "NETWORK" },
      });
      observer.rateLimit?.("127.0.0.1:5000", 42);
      observer.cycleDone?.(0.3);
      registryResponse("127.0.0.1:5000", 200);
      const families = parsePrometheusText(await (await get(`${dash.url}/metrics`)).body.text());
      const byName = new Map(families.map((f) => [f.name, f]));
      for (const name of [
        "digestguard_watch_checks_total",
        "digestguard_watch_events_total",
        "digestguard_watch_registry_requests_total",
        "digestguard_watch_errors_total",
        "digestguard_watch_rate_limit_remaining",
        "digestguard_watch_outbox_pending",
        "digestguard_watch_cycle_duration_seconds",
      ])
        assert.ok(byName.has(name), name);
      assert.equal(byName.get("digestguard_watch_outbox_pending")?.metrics[0]?.value, "2");
      assert.deepEqual(byName.get("digestguard_watch_errors_total")?.metrics[0]?.labels, { code: "NETWORK" });
      assert.deepEqual(byName.get("digestguard_watch_registry_requests_total")?.metrics[0]?.labels, {
        registry: "127.0.0.1:5000",
        status: "200",
      });
      assert.equal(byName.get("digestguard_watch_cycle_duration_seconds")?.type, "HISTOGRAM");
    } finally {
      await dash.stop();
    }
  });

  it("pages the outbox: 100 deliveries by default, ?limit= up to 1,000, and the total beside them", async () => {
    const dash = await startDashboardFixture(await tempFolder());
    try {
      const notifiers = Array.from({ length: 101 }, (_, i) => `n${i}`);
      await dash.history.addEvent({ kind: "test", reference: "test", at: "2026-01-01T00:00:00.000Z" }, notifiers);
      const page = await json(await get(`${dash.url}/api/v1/deliveries`));
      assert.equal(page.deliveries.length, 100);
      assert.equal(page.total, 101);
      const one = await json(await get(`${dash.url}/api/v1/deliveries?limit=1`));
      assert.deepEqual(one.deliveries, page.deliveries.slice(0, 1));
      assert.equal((await json(await get(`${dash.url}/api/v1/deliveries?limit=1000`))).deliveries.length, 101);
      for (const limit of ["0", "1001", "ten", "1.5"]) {
        const refused = await get(`${dash.url}/api/v1/deliveries?limit=${limit}`);
        assert.equal(refused.statusCode, 400, limit);
        assert.equal((await json(refused)).error.code, "USAGE");
      }
    } finally {
      await dash.stop();
    }
  });

  it("logs an unexpected failure of a route with the route and the message, the stack only with DIGESTGUARD_DEBUG=1", async () => {
    const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const dash = await startDashboardFixture(await tempFolder(), {
      token: TOKEN,
      context: {
        retryDelivery: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'notifier')");
        },
        log: (level, message, fields) => logged.push({ level, message, ...(fields ? { fields } : {}) }),
      },
    });
    const debug = process.env["DIGESTGUARD_DEBUG"];
    try {
      const retry = () => post(`${dash.url}/api/v1/deliveries/d1/retry`, { authorization: `Bearer ${TOKEN}` });
      delete process.env["DIGESTGUARD_DEBUG"];
      const failed = await retry();
      assert.equal(failed.statusCode, 500);
      assert.match((await json(failed)).error.message, /see the watch log/);
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.level, "error");
      assert.equal(logged[0]?.fields?.["route"], "POST /api/v1/deliveries/{id}/retry");
      assert.equal(logged[0]?.fields?.["error"], "TypeError: Cannot read properties of undefined (reading 'notifier')");
      assert.equal(logged[0]?.fields?.["stack"], undefined);
      process.env["DIGESTGUARD_DEBUG"] = "1";
      await (await retry()).body.dump();
      assert.match(String(logged[1]?.fields?.["stack"]), /^TypeError: Cannot read properties[\s\S]*\n\s+at /);
    } finally {
      if (debug === undefined) delete process.env["DIGESTGUARD_DEBUG"];
      else process.env["DIGESTGUARD_DEBUG"] = debug;
      await dash.stop();
    }
  });

  it("documents every route in docs/openapi.json, and documents no route the server lacks", async () => {
    const file = JSON.parse(await readFile(join(process.cwd(), "docs/openapi.json"), "utf8"));
    const dash = await startDashboardFixture(await tempFolder());
    try {
      assert.deepEqual(
        await json(await get(`${dash.url}/api/v1/openapi.json`)),
        file,
        "the served document is the file",
      );
      const served = dashboardRoutes(dash.context)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      const documented = Object.entries(file.paths as Record<string, object>)
        .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      assert.deepEqual(documented, served);
      assert.equal(file.openapi, "3.1.0");
    } finally {
      await dash.stop();
    }
  });
});
