import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { resolveDigests } from "../digest/resolve-digests.js";
import { renderDigests } from "../digest/render-digests.js";
import { buildImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import { inspectImage } from "../inspect/inspect-image.js";
import { renderInspect } from "../inspect/render-inspect.js";
import { digestOf } from "../oci/digest.js";
import { parsePlatform } from "../oci/platform.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { openLocation } from "../store/open-location.js";
import { DigestguardError } from "../errors/error.js";
import type { RegistryClient } from "../registry/registry-client.js";
import { DEMO_IMAGE_SPEC } from "./demo-image.js";

/**
 * The offline tour: build a two-platform image into an OCI layout folder
 * (the embedded default store), then show `inspect`, `inspect --raw`
 * checked against the digest, and `digest` with and without `--platform`
 * — the same library calls the CLI commands make. Returns the layout path.
 *
 * @example
 * ```ts
 * await runDemo({ write: (text) => process.stdout.write(text) });
 * ```
 */
export async function runDemo(options: { dir?: string; write: (text: string) => void; signal?: AbortSignal }): Promise<string> {
  const { write, signal } = options;
  const dir = resolve(options.dir ?? join(await mkdtemp(join(tmpdir(), "digestguard-demo-")), "layout"));
  const location = `oci:${dir}:1.0`;

  write(`== 1. Build a small two-platform base image into an OCI layout (offline)\n`);
  const store = await OciLayoutStore.open(dir, { create: true, signal });
  const root = await writeImage(store, await buildImage(DEMO_IMAGE_SPEC), { tags: ["1.0"], signal });
  write(`   wrote ${location}  (root ${root.digest})\n\n`);

  write(`== 2. digestguard inspect ${location}\n`);
  const { report, bytes } = await inspectImage(store, { tag: "1.0" }, { display: location, signal });
  write(indent(renderInspect(report)));

  write(`\n== 3. digestguard inspect --raw ${location} | sha256sum\n`);
  write(`   ${digestOf(bytes).slice("sha256:".length)}  -   (equals the digest above: computed over the exact bytes)\n`);

  write(`\n== 4. digestguard inspect --platform linux/arm64 ${location}\n`);
  const arm = await inspectImage(store, { tag: "1.0" }, { display: location, platform: parsePlatform("linux/arm64"), signal });
  write(indent(renderInspect(arm.report)));

  write(`\n== 5. digestguard digest ${location}   and   --platform linux/amd64\n`);
  const open = (text: string) => openLocation(text, { client: offlineOnly });
  const indexDigest = await resolveDigests([location], { open, signal });
  const amd = await resolveDigests([location], { open, platform: parsePlatform("linux/amd64"), signal });
  write(indent(renderDigests([...indexDigest, ...amd])));
  write(`\n   Pin the index digest for a multi-platform FROM; a platform digest pins one architecture only.\n`);
  return dir;
}

function offlineOnly(): RegistryClient {
  throw new DigestguardError("USAGE", "Cannot reach a registry in the demo: it runs offline on an OCI layout.");
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "   ");
}
