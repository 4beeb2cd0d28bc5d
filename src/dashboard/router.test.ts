import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { matchRoute, type Route } from "./router.js";

const route = (method: "GET" | "POST", path: string): Route => ({
  method,
  path,
  handle: async () => ({ status: 200, type: "text/plain", body: "" }),
});
const routes = [
  route("GET", "/api/v1/images"),
  route("GET", "/api/v1/images/{reference}"),
  route("POST", "/api/v1/checks"),
];

describe("matchRoute", () => {
  it("decodes a parameter that carries slashes as %2F", () => {
    const match = matchRoute(routes, "GET", "/api/v1/images/127.0.0.1%3A5000%2Fteam%2Fapp%3A1");
    assert.ok(match !== undefined && "route" in match);
    assert.deepEqual(match.params, { reference: "127.0.0.1:5000/team/app:1" });
  });

  it("tells a wrong method (with what is allowed) from an unknown path", () => {
    assert.deepEqual(matchRoute(routes, "GET", "/api/v1/checks"), { allowed: ["POST"] });
    assert.deepEqual(matchRoute(routes, "DELETE", "/api/v1/images"), { allowed: ["GET"] });
    assert.equal(matchRoute(routes, "GET", "/api/v1/images/a/b"), undefined);
    assert.equal(matchRoute(routes, "GET", "/api/v1/images/"), undefined);
    assert.equal(matchRoute(routes, "GET", "/api/v1/images/%E0%A4%A"), undefined);
  });

  it("answers HEAD with the GET route", () => {
    const match = matchRoute(routes, "HEAD", "/api/v1/images");
    assert.ok(match !== undefined && "route" in match);
  });
});
