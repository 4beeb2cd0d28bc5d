import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { effectiveRegistrySettings } from "./effective-registries.js";
import { parseHostsToml } from "./containerd-hosts.js";
import { parseRegistriesConf } from "./registries-conf.js";
import { systemPaths } from "./system-paths.js";

async function systemRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "dg-system-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe("registry settings from the places they already live", () => {
  it("registries.conf v2: mirrors, insecure, blocked; a path prefix is ignored and said so", async () => {
    const facts = await parseRegistriesConf(
      [
        "[[registry]]",
        'prefix = "docker.io"',
        "[[registry.mirror]]",
        'location = "127.0.0.1:5001/hub"',
        "insecure = true",
        "[[registry]]",
        'location = "bad.example"',
        "blocked = true",
        "[[registry]]",
        'prefix = "quay.io/team"',
        'location = "q.example/team"',
        "",
      ].join("\n"),
      "r.conf",
    );
    assert.deepEqual(facts[0], {
      host: "docker.io",
      mirrors: [{ value: "127.0.0.1:5001/hub", from: "r.conf", insecure: true }],
    });
    assert.deepEqual(facts[1], { host: "bad.example", blocked: { value: true, from: "r.conf" } });
    assert.match(facts[2]?.ignored?.[0]?.value ?? "", /only whole-registry prefixes/);
  });

  it("containerd hosts.toml: pull hosts are mirrors; ca, skip_verify and client belong to their host", async () => {
    const facts = await parseHostsToml(
      [
        'server = "https://registry-1.docker.io"',
        '[host."http://127.0.0.1:5001"]',
        'capabilities = ["pull", "resolve"]',
        '[host."https://push-only.example"]',
        'capabilities = ["push"]',
        '[host."https://m.example"]',
        'ca = "m-ca.pem"',
        'client = [["c.cert", "c.key"]]',
        "",
      ].join("\n"),
      "docker.io",
      "/d/docker.io/hosts.toml",
      "/d/docker.io",
    );
    assert.deepEqual(
      facts[0]?.mirrors?.map((m) => [m.value, m.insecure ?? false]),
      [
        ["127.0.0.1:5001", true],
        ["m.example", false],
      ],
    );
    const m = facts.find((f) => f.host === "m.example");
    assert.deepEqual(m?.caFiles, [{ value: "/d/docker.io/m-ca.pem", from: "/d/docker.io/hosts.toml" }]);
    assert.deepEqual(m?.clientCert?.value, { certFile: "/d/docker.io/c.cert", keyFile: "/d/docker.io/c.key" });
  });

  it("merges daemon.json < hosts.toml < certs.d < registries.conf < digestguard.yaml, each value with its file", async () => {
    const root = await systemRoot({
      "etc/docker/daemon.json": JSON.stringify({
        "registry-mirrors": ["https://daemon-mirror.example"],
        "insecure-registries": ["10.0.0.0/8", "old.example:5000"],
      }),
      "etc/containerd/certs.d/docker.io/hosts.toml":
        '[host."https://containerd-mirror.example"]\ncapabilities = ["pull"]\n',
      "etc/docker/certs.d/old.example:5000/ca.crt": "pem",
      "etc/docker/certs.d/old.example:5000/client.cert": "pem",
      "etc/docker/certs.d/old.example:5000/client.key": "pem",
      "etc/containers/registries.conf":
        '[[registry]]\nprefix = "docker.io"\n[[registry.mirror]]\nlocation = "conf-mirror.example"\n',
      "etc/containers/registries.conf.d/50-late.conf": '[[registry]]\nprefix = "old.example:5000"\ninsecure = false\n',
    });
    const paths = systemPaths({
      DIGESTGUARD_SYSTEM_ROOT: root,
      HOME: join(root, "home"),
      SSL_CERT_FILE: "/bundle.pem",
    });
    const settings = await effectiveRegistrySettings({ config: { version: 1 }, paths });
    const hub = settings.registries.find((r) => r.host === "docker.io");
    assert.deepEqual(
      hub?.mirrors.map((m) => m.value),
      ["conf-mirror.example"],
      "registries.conf wins over hosts.toml and daemon.json",
    );
    const old = settings.registries.find((r) => r.host === "old.example:5000");
    assert.deepEqual(old?.insecure, {
      value: false,
      from: join(root, "etc/containers/registries.conf.d/50-late.conf"),
    });
    assert.deepEqual(
      old?.caFiles.map((c) => c.value),
      [join(root, "etc/docker/certs.d/old.example:5000/ca.crt")],
    );
    assert.equal(old?.clientCert?.value.keyFile, join(root, "etc/docker/certs.d/old.example:5000/client.key"));
    assert.match(settings.registries.find((r) => r.host === "10.0.0.0/8")?.ignored[0]?.value ?? "", /CIDR/);
    assert.deepEqual(settings.everyHost.caFiles, [{ value: "/bundle.pem", from: "SSL_CERT_FILE" }]);

    const yaml = await effectiveRegistrySettings({
      config: { version: 1, registries: { "docker.io": { mirrors: ["yaml-mirror.example"] } } },
      configPath: "/p/digestguard.yaml",
      paths,
    });
    assert.deepEqual(
      yaml.registries.find((r) => r.host === "docker.io")?.mirrors,
      [{ value: "yaml-mirror.example", from: "/p/digestguard.yaml" }],
      "digestguard.yaml wins",
    );
  });
});
