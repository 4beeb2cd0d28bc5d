import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { parseHostsToml } from "../config/containerd-hosts.js";
import { readDockerDaemonJson } from "../config/docker-daemon-json.js";
import { parseRegistriesConf } from "../config/registries-conf.js";
import { mirrorConfigSnippet } from "./mirror-config.js";

// smol-toml makes null-prototype tables; compare plain objects.
const toml = (text: string): unknown => JSON.parse(JSON.stringify(parse(text)));

// Each snippet is read back by the same readers digestguard uses for the
// clients' real settings, so "the snippet says X" is checked the way the
// clients would read it.

describe("mirrorConfigSnippet", () => {
  test("docker: daemon.json registry-mirrors, and insecure-registries for plain HTTP", async () => {
    const secure = mirrorConfigSnippet("docker", "mirror.example:5000");
    assert.equal(secure.file, "/etc/docker/daemon.json");
    assert.deepEqual(JSON.parse(secure.text), { "registry-mirrors": ["https://mirror.example:5000"] });
    const plain = mirrorConfigSnippet("docker", "http://127.0.0.1:5001");
    const file = join(await mkdtemp(join(tmpdir(), "dg-mirror-config-")), "daemon.json");
    await writeFile(file, plain.text);
    const facts = await readDockerDaemonJson(file);
    assert.deepEqual(
      facts.map((f) => [f.host, f.mirrors?.map((m) => [m.value, m.insecure]), f.insecure?.value]),
      [
        ["docker.io", [["http://127.0.0.1:5001", true]], undefined],
        ["127.0.0.1:5001", undefined, true],
      ],
    );
  });

  test("docker: a mirror path or another upstream is refused, saying why", () => {
    assert.throws(() => mirrorConfigSnippet("docker", "127.0.0.1:5001/hub"), {
      code: "USAGE",
      message: /no repository path.*serve the mirror at its root/,
    });
    assert.throws(() => mirrorConfigSnippet("docker", "127.0.0.1:5001", "ghcr.io"), {
      code: "USAGE",
      message: /Docker Hub only; use --for containerd/,
    });
  });

  test("containers: a registries.conf drop-in with the mirror, its path, and insecure for plain HTTP", async () => {
    const snippet = mirrorConfigSnippet("containers", "http://127.0.0.1:5001/hub/");
    assert.equal(snippet.file, "/etc/containers/registries.conf.d/docker.io-mirror.conf");
    assert.deepEqual(toml(snippet.text), {
      registry: [
        { prefix: "docker.io", location: "docker.io", mirror: [{ location: "127.0.0.1:5001/hub", insecure: true }] },
      ],
    });
    const facts = await parseRegistriesConf(snippet.text, snippet.file);
    const hub = facts.find((f) => f.host === "docker.io");
    assert.deepEqual(
      hub?.mirrors?.map((m) => [m.value, m.insecure]),
      [["127.0.0.1:5001/hub", true]],
    );
  });

  test("containerd: hosts.toml for the upstream, pull and resolve only, override_path for a mirror path", async () => {
    const snippet = mirrorConfigSnippet("containerd", "https://mirror.example/hub");
    assert.equal(snippet.file, "/etc/containerd/certs.d/docker.io/hosts.toml");
    assert.deepEqual(toml(snippet.text), {
      server: "https://registry-1.docker.io",
      host: {
        "https://mirror.example/v2/hub": { capabilities: ["pull", "resolve"], override_path: true },
      },
    });
    const plain = mirrorConfigSnippet("containerd", "http://127.0.0.1:5001", "ghcr.io");
    assert.equal(plain.file, "/etc/containerd/certs.d/ghcr.io/hosts.toml");
    const facts = await parseHostsToml(plain.text, "ghcr.io", plain.file, "/etc/containerd/certs.d/ghcr.io");
    assert.deepEqual(
      facts[0]?.mirrors?.map((m) => [m.value, m.insecure]),
      [["127.0.0.1:5001", true]],
    );
    assert.match(plain.text, /^server = "https:\/\/ghcr\.io"$/m);
  });

  test("addresses that cannot be written safely are refused", () => {
    for (const bad of ["", "ftp://mirror", "mirror.example/Upper", 'mi"rror', "http://", "a//b", "user@host"]) {
      assert.throws(() => mirrorConfigSnippet("containers", bad), { code: "USAGE" }, bad);
    }
  });
});
