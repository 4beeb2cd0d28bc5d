import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startConnectProxy, type ConnectProxy } from "../support/connect-proxy.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// The conventions every other container tool follows: HTTPS_PROXY/NO_PROXY,
// SSL_CERT_FILE, and client certificates in certs.d folders.

describe("HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let proxy: ConnectProxy;
  let images: FixtureImages;
  const ref = () => `${registry.host}/team/app:1`;
  const isolated = {
    DIGESTGUARD_SYSTEM_ROOT: "/nonexistent",
    HOME: "/nonexistent",
    http_proxy: "",
    https_proxy: "",
    no_proxy: "",
    HTTP_PROXY: "",
    NO_PROXY: "",
  };

  before(async () => {
    [registry, proxy, images] = await Promise.all([
      startRegistry({ mode: "tls" }),
      startConnectProxy(),
      buildFixtureImages("proxy"),
    ]);
    await pushImage(registry, "team/app", images.ociSingle, ["1"]);
  });
  after(async () => {
    await Promise.all([registry?.stop(), proxy?.stop()]);
  });

  test("with HTTPS_PROXY every registry request goes through the proxy's CONNECT tunnel; SSL_CERT_FILE supplies the CA", async () => {
    const res = await runCli(["verify", ref()], {
      env: { ...isolated, HTTPS_PROXY: proxy.url, SSL_CERT_FILE: registry.caFile },
    });
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    assert.ok(proxy.tunnels.length > 0, "the proxy saw the traffic");
    assert.deepEqual([...new Set(proxy.tunnels)], [registry.host]);
  });

  test("a host in NO_PROXY is reached directly: the proxy sees nothing", async () => {
    const before = proxy.tunnels.length;
    const res = await runCli(["verify", ref()], {
      env: { ...isolated, HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1", SSL_CERT_FILE: registry.caFile },
    });
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    assert.equal(proxy.tunnels.length, before);
  });
});

describe("mutual TLS with a certs.d client certificate", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let root: string;
  const ref = () => `${registry.host}/team/app:1`;

  before(async () => {
    registry = await startRegistry({ mode: "mtls" });
    await pushImage(registry, "team/app", (await buildFixtureImages("mtls")).ociSingle, ["1"]);
    root = await mkdtemp(join(tmpdir(), "dg-mtls-"));
  });
  after(async () => {
    await registry?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  const env = () => ({ DIGESTGUARD_SYSTEM_ROOT: root, HOME: join(root, "home"), SSL_CERT_FILE: "" });

  test("without a client certificate the registry refuses the connection", async () => {
    await mkdir(join(root, "etc/docker/certs.d", registry.host), { recursive: true });
    await copyFile(registry.caFile as string, join(root, "etc/docker/certs.d", registry.host, "ca.crt"));
    const res = await runCli(["digest", ref()], { env: env() });
    assert.notEqual(res.exitCode, 0, res.stdout.toString());
  });

  test("with client.cert/client.key in /etc/docker/certs.d/HOST it is accepted, and config show names the files", async () => {
    const folder = join(root, "etc/docker/certs.d", registry.host);
    await copyFile(registry.clientCertFile as string, join(folder, "client.cert"));
    await copyFile(registry.clientKeyFile as string, join(folder, "client.key"));
    const res = await runCli(["digest", ref()], { env: env() });
    assert.equal(res.exitCode, 0, res.stderr);
    const shown = JSON.parse(
      (await runCli(["config", "show", "--json", registry.host], { env: env() })).stdout.toString(),
    ) as {
      registries: { clientCert?: { cert: string; from: string }; ca: { file: string }[] }[];
    };
    assert.equal(shown.registries[0]?.clientCert?.cert, join(folder, "client.cert"));
    assert.equal(shown.registries[0]?.clientCert?.from, folder);
    assert.deepEqual(
      shown.registries[0]?.ca.map((c) => c.file),
      [join(folder, "ca.crt")],
    );
  });
});
