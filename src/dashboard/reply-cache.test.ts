import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { cachedFor, MAX_CACHED_REPLIES } from "./reply-cache.js";
import type { RouteRequest } from "./router.js";

const at = (url: string): RouteRequest =>
  ({ request: { url } as IncomingMessage, params: {}, query: new URL(url, "http://x").searchParams }) as RouteRequest;

describe("cachedFor", () => {
  it("shares one answer among requests for the same URL within the window, and asks again after it", async (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: 0 });
    let calls = 0;
    const route = cachedFor(1000, {
      method: "GET",
      path: "/x",
      handle: async () => ({ status: 200, type: "text/plain", body: String(++calls) }),
    });
    const [a, b] = await Promise.all([route.handle(at("/x")), route.handle(at("/x"))]);
    assert.equal(a, b);
    assert.equal(calls, 1);
    await route.handle(at("/x?status=error"));
    assert.equal(calls, 2, "another query is another answer");
    t.mock.timers.tick(1001);
    assert.equal((await route.handle(at("/x"))).body, "3");
  });

  it("starts afresh when the generation grows", async () => {
    let calls = 0;
    let generation = 0;
    const route = cachedFor(
      60_000,
      { method: "GET", path: "/x", handle: async () => ({ status: 200, type: "text/plain", body: String(++calls) }) },
      () => generation,
    );
    await route.handle(at("/x"));
    await route.handle(at("/x"));
    generation++;
    assert.equal((await route.handle(at("/x"))).body, "2");
  });

  it("keeps no failure", async () => {
    let calls = 0;
    const route = cachedFor(60_000, {
      method: "GET",
      path: "/x",
      handle: async () => {
        calls++;
        if (calls === 1) throw new Error("history busy");
        return { status: 200, type: "text/plain", body: "ok" };
      },
    });
    await assert.rejects(route.handle(at("/x")));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await route.handle(at("/x"))).body, "ok");
  });

  it("keys by what the route reads, so junk query parameters cannot bypass it, and holds a bounded number of answers", async () => {
    let calls = 0;
    const route = cachedFor(
      60_000,
      { method: "GET", path: "/x", handle: async () => ({ status: 200, type: "text/plain", body: String(++calls) }) },
      () => 0,
      ({ query }) => query.get("registry") ?? "",
    );
    const withQuery = (search: string): RouteRequest => at(`/x?${search}`);
    for (let i = 0; i < 1000; i++) await route.handle(withQuery(`junk=${i}`));
    assert.equal(calls, 1, "junk parameters share the one answer");
    for (let i = 0; i < 1000; i++) await route.handle(withQuery(`registry=r${i}`));
    calls = 0;
    for (let i = 0; i < 1000; i++) await route.handle(withQuery(`registry=r${i}`));
    assert.ok(
      calls >= 1000 - MAX_CACHED_REPLIES,
      `${calls} asked again: the cache holds at most ${MAX_CACHED_REPLIES}`,
    );
  });
});
