import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isCode } from "../errors/predicates.js";
import { isLoopback, parseListenAddress } from "./listen-address.js";
import { checkBindable } from "./start-dashboard.js";

describe("listen address", () => {
  it("reads HOST:PORT, [IPv6]:PORT and a bare port", () => {
    assert.deepEqual(parseListenAddress("127.0.0.1:8080"), { host: "127.0.0.1", port: 8080 });
    assert.deepEqual(parseListenAddress("[::1]:9000"), { host: "::1", port: 9000 });
    assert.deepEqual(parseListenAddress("8080"), { host: "127.0.0.1", port: 8080 });
    assert.throws(
      () => parseListenAddress("127.0.0.1:99999"),
      (e) => isCode(e, "USAGE"),
    );
    assert.throws(
      () => parseListenAddress("http://x"),
      (e) => isCode(e, "USAGE"),
    );
  });

  it("knows loopback from every-interface and public addresses", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])
      assert.ok(isLoopback(host), host);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1"]) assert.ok(!isLoopback(host), host);
  });

  it("refuses a bind beyond loopback without a token", () => {
    assert.throws(
      () => checkBindable({ host: "0.0.0.0", port: 8080 }, undefined),
      (e) => isCode(e, "CONFIG_INVALID"),
    );
    checkBindable({ host: "0.0.0.0", port: 8080 }, "a-long-enough-token-0123");
    checkBindable({ host: "127.0.0.1", port: 8080 }, undefined);
  });
});
