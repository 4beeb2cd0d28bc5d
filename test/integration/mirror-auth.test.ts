import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const tempFolder = tempFolders("mirror-auth");
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const basic = (registry: RunningRegistry, password = registry.password) =>
  Buffer.from(`${registry.username}:${password}`).toString("base64");

// Both registries want bearer tokens from their own issuer, each with its own
// password, read from one auth file: the source's password goes only to the
// source's realm (pull), the destination's only to its realm (pull and push).
describe("mirror with authentication on both sides", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let source: RunningRegistry;
  let destination: RunningRegistry;
  let images: FixtureImages;

  before(async () => {
    [source, destination, images] = await Promise.all([
      startRegistry({ mode: "token" }),
      startRegistry({ mode: "token" }),
      buildFixtureImages("mirror-auth"),
    ]);
    await pushImage(source, "team/base", images.ociIndex, ["1.0"]);
  });
  after(async () => {
    await Promise.all([source?.stop(), destination?.stop()]);
  });

  const mirror = async (repository: string, destinationPassword?: string) => {
    const authFile = join(await tempFolder(), "auth.json");
    const auths = {
      [source.host]: { auth: basic(source) },
      [destination.host]: { auth: basic(destination, destinationPassword) },
    };
    await writeFile(authFile, JSON.stringify({ auths }));
    source.tokenIssuer?.resetLog();
    destination.tokenIssuer?.resetLog();
    return runCli([
      "mirror",
      "--json",
      "--ca-file",
      source.caFile as string,
      "--ca-file",
      destination.caFile as string,
      "--authfile",
      authFile,
      `${source.host}/team/base:1.0`,
      `${destination.host}/${repository}`,
    ]);
  };

  test("each side gets its own credentials and the scope it needs; skopeo reads the same digest", async () => {
    const run = await mirror("backup/base");
    assert.equal(run.exitCode, 0, run.stderr);
    const sourceTokens = source.tokenIssuer?.requests ?? [];
    const destinationTokens = destination.tokenIssuer?.requests ?? [];
    assert.ok(sourceTokens.length > 0 && destinationTokens.length > 0);
    assert.ok(sourceTokens.every((r) => r.status === 200 && r.scopes.every((s) => s === "repository:team/base:pull")));
    assert.ok(destinationTokens.every((r) => r.status === 200));
    assert.ok(
      destinationTokens.some((r) => r.scopes.some((s) => /^repository:backup\/base:(pull,push|push,pull)$/.test(s))),
      JSON.stringify(destinationTokens.map((r) => r.scopes)),
    );
    const raw = await skopeo(["inspect", "--raw", `docker://${destination.host}/backup/base:1.0`], {
      registry: destination,
    });
    assert.equal(raw.exitCode, 0, raw.stderr);
    assert.equal(sha256(raw.stdout), images.ociIndex.root.digest);
  });

  test("a destination refusing the credentials fails the image clearly, and nothing lands there", async () => {
    const run = await mirror("refused/base", "not-the-password");
    assert.notEqual(run.exitCode, 0);
    assert.match(run.stderr + run.stdout, /401|credentials|unauthori[sz]ed|denied/i);
    const destinationTokens = destination.tokenIssuer?.requests ?? [];
    assert.ok(destinationTokens.length > 0);
    assert.ok(destinationTokens.every((r) => r.status !== 200 || r.account === undefined));
    const pushed = (await destination.requestLog()).filter(
      (r) => r.uri.includes("/refused/base/") && r.method !== "GET" && r.method !== "HEAD",
    );
    assert.deepEqual(
      pushed.filter((r) => r.status < 300),
      [],
      "nothing was written",
    );
  });
});
