/**
 * Records REAL error texts of real container tools into
 * `test/fixtures/error-texts/<tool>-<case>.txt`, each with a sidecar
 * `<tool>-<case>.expected.json` holding what the diagnose parser must find.
 * Not run by the test suite: the fixtures are committed, and the table test
 * (`src/diagnose/parse-error-text.test.ts`) reads them.
 *
 * How: start the real distribution registry (plain HTTP), push a one-layer
 * image per case with our own client, damage a blob in the registry's
 * storage (flip a byte, truncate, empty, grow, delete) or break the image
 * otherwise (wrong diff_id, missing tag), or stand up a tiny server that
 * answers 401 or 429 the way registries do, then pull it
 * with every tool installed here: skopeo, podman, buildah, containerd's ctr
 * (a private containerd is started as a child), dockerd's classic puller
 * and dockerd's BuildKit (a private dockerd on that containerd). The
 * expected digests and sizes come from what this script built and damaged,
 * never from a tool's output, so the fixtures check the parser against
 * ground truth.
 *
 * Needs root and the Debian packages docker-registry, skopeo, podman,
 * buildah, containerd and docker.io (a missing tool is skipped). Run:
 *
 *     npx tsc -p tsconfig.json && node dist/test/support/record-error-texts.js [case-name …] [tool …]
 *
 * Then read every new text once and review the expectations in
 * `record-error-texts-cases.ts`; unreviewed pairs are written with shape
 * "unreviewed" and fail the table test.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMPTY_SHA256 } from "../../src/oci/digest.js";
import { clientFor } from "./client-for.js";
import {
  expectationFor,
  NOT_NOTICED,
  RECORDING_CASES,
  type KnownField,
  type RecordingCase,
} from "./record-error-texts-cases.js";
import { corruptBlob, pushCaseImage } from "./record-error-texts-images.js";
import { startTools, type PullingTool } from "./record-error-texts-tools.js";
import { startRegistry, type RunningRegistry } from "./registry.js";

const FIXTURES = new URL("../../../test/fixtures/error-texts/", import.meta.url);

/** What the recorder knows about a case before any tool runs. */
type Facts = Partial<Record<KnownField, string | number | boolean>> & { reference: string; manifest?: string };

async function main(args: readonly string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "digestguard-record-"));
  const registry = await startRegistry({ mode: "http" });
  const { tools, stop } = await startTools(dir);
  const limiter = await startStatusServer(429, "TOOMANYREQUESTS", RATE_LIMIT_MESSAGE);
  const locked = await startStatusServer(401, "UNAUTHORIZED", "authentication required");
  const caseNames = new Set(RECORDING_CASES.map((c) => c.name));
  const chosenCases = args.filter((arg) => caseNames.has(arg));
  const chosenTools = args.filter((arg) => !caseNames.has(arg));
  try {
    console.log(`tools: ${tools.map((tool) => tool.source).join("; ")}`);
    for (const recordingCase of RECORDING_CASES) {
      if (chosenCases.length > 0 && !chosenCases.includes(recordingCase.name)) continue;
      const facts = await prepare(recordingCase, { registry, limiterHost: limiter.host, lockedHost: locked.host });
      for (const tool of tools) {
        if (chosenTools.length > 0 && !chosenTools.includes(tool.name)) continue;
        if (tool.cases !== undefined && !tool.cases.includes(recordingCase.name)) continue;
        await record(tool, recordingCase, facts);
      }
    }
  } finally {
    await stop();
    await limiter.close();
    await locked.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function prepare(
  recordingCase: RecordingCase,
  where: { registry: RunningRegistry; limiterHost: string; lockedHost: string },
): Promise<Facts> {
  if (recordingCase.rateLimited === true) return { reference: `${where.limiterHost}/app:1` };
  if (recordingCase.withoutCredentials === true) return { reference: `${where.lockedHost}/app:1` };
  const { registry } = where;
  const image = await pushCaseImage(registry, clientFor(registry), recordingCase.name, {
    wrongDiffId: recordingCase.wrongDiffId === true,
  });
  const reference = recordingCase.missingTag === true ? image.reference.replace(/:1$/, ":missing") : image.reference;
  const facts: Facts = { reference, manifest: image.manifest };
  if (recordingCase.wrongDiffId === true) {
    return { ...facts, expected: image.configDiffId, namedDiffId: image.layerDiffId, refKind: "layer" };
  }
  const damage = recordingCase.damage;
  if (damage === undefined) return facts;
  const descriptor = damage.blob === "layer" ? image.layer : image.config;
  const served = await corruptBlob(registry, descriptor.digest, damage.how);
  Object.assign(facts, { expected: descriptor.digest, expectedSize: descriptor.size, refKind: damage.blob });
  if (served !== undefined) {
    Object.assign(facts, {
      actual: served.digest,
      actualSize: served.size,
      actualIsEmpty: served.digest === EMPTY_SHA256,
    });
  }
  return facts;
}

async function record(tool: PullingTool, recordingCase: RecordingCase, facts: Facts): Promise<void> {
  const expectation = expectationFor(tool.name, recordingCase.name);
  const stem = `${tool.name}-${recordingCase.name}`;
  const run = await tool.pull(facts.reference);
  if (run.exitCode === 0 || expectation === NOT_NOTICED) {
    // Nothing to diagnose: this tool does not notice this damage (or fails later, for reasons of its own).
    console.log(`${stem}: exit ${run.exitCode}, not an error of this case; no fixture written\n${indent(run.text)}`);
    return;
  }
  const known: Facts = {
    ...facts,
    imageReference: expectation?.pinned === true ? `${facts.reference}@${facts.manifest}` : facts.reference,
  };
  const named: KnownField[] = run.text.includes(facts.reference) ? ["imageReference"] : [];
  const fields = Object.fromEntries(
    [...(expectation?.fields ?? []), ...named]
      .filter((field) => known[field] !== undefined)
      .map((field) => [field, known[field]]),
  );
  const expected = {
    source: tool.source,
    command: run.command,
    exitCode: run.exitCode,
    shape: expectation?.shape ?? "unreviewed",
    tool: parsedToolName(tool.name),
    ...fields,
  };
  await writeFile(new URL(`${stem}.txt`, FIXTURES), run.text);
  await writeFile(new URL(`${stem}.expected.json`, FIXTURES), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`${stem}: exit ${run.exitCode}${expectation === undefined ? " (UNREVIEWED)" : ""}\n${indent(run.text)}`);
}

function parsedToolName(tool: string): string {
  if (["skopeo", "podman", "buildah", "podman-build"].includes(tool)) return "containers-image";
  if (tool === "ctr") return "containerd";
  return tool;
}

const RATE_LIMIT_MESSAGE =
  "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit";

/**
 * A stand-in for a rate-limited or locked registry: it answers the version
 * check so clients go on, then `status` with a distribution error body (for
 * 429 the one Docker Hub sends), so each tool's own handling of that status
 * produces the text.
 */
async function startStatusServer(
  status: number,
  code: string,
  message: string,
): Promise<{ host: string; close(): Promise<void> }> {
  const body = JSON.stringify({ errors: [{ code, message }] });
  const server = createServer((request, response) => {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Docker-Distribution-API-Version": "registry/2.0",
    };
    if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="digestguard-test"';
    if (request.url === "/v2/" && status !== 401) response.writeHead(200, headers).end("{}");
    else response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { host: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

await main(process.argv.slice(2));
