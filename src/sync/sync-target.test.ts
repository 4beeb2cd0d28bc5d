import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { expandTarget, syncRegistries } from "./sync-target.js";

describe("expandTarget", () => {
  const alpine = { registry: "docker.io", repository: "library/alpine" };

  test("{repo}, {name} and {registry} expand from the source", () => {
    assert.deepEqual(expandTarget("127.0.0.1:5001/hub/{repo}", alpine), {
      registry: "127.0.0.1:5001",
      repository: "hub/library/alpine",
    });
    assert.deepEqual(expandTarget("mirror.local/{registry}/{name}", alpine), {
      registry: "mirror.local",
      repository: "docker.io/alpine",
    });
  });

  test("an unknown placeholder or a template without a registry host is a config error", () => {
    assert.throws(() => expandTarget("127.0.0.1:5001/{repository}", alpine), {
      code: "CONFIG_INVALID",
      message: /\{repository\}/,
    });
    assert.throws(() => expandTarget("hub/{repo}", alpine), { code: "CONFIG_INVALID", message: /no registry host/ });
  });

  test("syncRegistries names sources and targets", () => {
    const hosts = syncRegistries({
      target: "127.0.0.1:5001/{repo}",
      images: [{ source: "alpine" }, { source: "::bad" }],
    });
    assert.deepEqual([...hosts], ["docker.io", "127.0.0.1:5001"]);
  });
});
