import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { startHostileRegistry, type HostileBehaviour, type HostileRegistry } from "./hostile-registry.js";
import { runCliBounded, type BoundedRun } from "./run-cli-bounded.js";

// The ways a registry can lie, as scenarios the hostile suite asserts and the
// hostile bench measures: each names a command to run against the liar and
// what its outcome must be.

// Every scenario is killed at this bound and then counted as hung.
export const HANG_LIMIT_MS = 60_000;
export const MAX_RSS_BYTES = 200 << 20;

export interface Scenario {
  name: string;
  behaviour: HostileBehaviour;
  tls?: boolean;
  foreignChallenge?: "basic" | "bearer";
  /** The command and its own flags; `--creds` (and `--ca-file` under TLS) are added. */
  args: (hostile: HostileRegistry) => string[];
  check: (run: BoundedRun, hostile: HostileRegistry) => void;
}

const ref = (h: HostileRegistry): string => `${h.host}/app:1.0`;
const failed = (run: BoundedRun): void => assert.notEqual(run.exitCode, 0, run.stderr);

// `--timeout 2` bounds each of at most 4 attempts; every wait is announced on stderr.
function gaveUpWithinRetries(run: BoundedRun): void {
  assert.equal(run.exitCode, 5, run.stderr);
  assert.ok(run.elapsedMs < 20_000, `took ${Math.round(run.elapsedMs)} ms; 4 attempts of 2 s and backoff fit in 20 s`);
  assert.match(run.stderr, /retrying 2\/4 in [\d.]+ s: /);
}

export const HOSTILE_SCENARIOS: Scenario[] = [
  {
    name: "wrong Docker-Content-Digest headers",
    behaviour: "lying-digest-header",
    args: (h) => ["inspect", ref(h)],
    check: (run) => {
      assert.equal(run.exitCode, 6, run.stderr);
      assert.match(run.stderr, /DIGEST_MISMATCH/);
    },
  },
  {
    name: "blob GET redirected to a foreign origin that answers 401 with its own realm",
    behaviour: "blob-redirect-foreign-401",
    args: (h) => ["verify", ref(h)],
    check: (run, h) => {
      failed(run);
      assert.ok(
        h.foreign.requests.some((r) => r.path.startsWith("/storage/")),
        "the redirect was followed",
      );
    },
  },
  {
    name: "tag list Link to a foreign origin",
    behaviour: "tag-link-foreign",
    args: (h) => ["tags", `${h.host}/app`],
    check: (run) => {
      assert.equal(run.exitCode, 5, run.stderr);
      assert.match(run.stderr, /REDIRECT_REFUSED/);
    },
  },
  {
    name: "tag list Link from https to http",
    behaviour: "tag-link-http",
    tls: true,
    args: (h) => ["tags", `${h.host}/app`],
    check: (run) => {
      assert.equal(run.exitCode, 5, run.stderr);
      assert.match(run.stderr, /REDIRECT_REFUSED/);
    },
  },
  {
    name: "https registry naming an http token realm on another host",
    behaviour: "http-realm-foreign",
    tls: true,
    args: (h) => ["inspect", ref(h)],
    check: failed,
  },
  {
    name: "endless token response body",
    behaviour: "endless-token-body",
    args: (h) => ["inspect", ref(h)],
    check: (run) => {
      failed(run);
      assert.ok(run.maxRssBytes !== undefined && run.maxRssBytes <= MAX_RSS_BYTES, `peak RSS ${run.maxRssBytes} bytes`);
    },
  },
  {
    name: "--creds with a mirror on another host",
    behaviour: "honest",
    foreignChallenge: "basic",
    args: (h) => ["inspect", "--mirror", `${h.host}=${h.foreign.host}`, ref(h)],
    check: (run, h) => {
      assert.equal(run.exitCode, 0, run.stderr);
      assert.ok(h.foreign.requests.length > 0, "the mirror was asked first");
    },
  },
  {
    name: "--timeout 2 against a registry that never answers",
    behaviour: "never-answer",
    args: (h) => ["inspect", "--timeout", "2", ref(h)],
    check: gaveUpWithinRetries,
  },
  {
    name: "--timeout 2 against a manifest trickled one byte a second",
    behaviour: "trickle-manifest",
    args: (h) => ["inspect", "--timeout", "2", ref(h)],
    check: gaveUpWithinRetries,
  },
  {
    name: "a layer whose stored copy is truncated",
    behaviour: "truncated-blob",
    args: (h) => ["verify", ref(h)],
    check: (run, h) => {
      const layer = h.image.blobs[1]?.descriptor.size ?? 0;
      assert.equal(run.exitCode, 6, run.stderr);
      assert.match(run.stdout + run.stderr, /SIZE_MISMATCH/);
      assert.match(run.stdout + run.stderr, new RegExp(`${Math.floor(layer / 2)} of ${layer} bytes`));
    },
  },
];

/** What one scenario did: the CLI run and how many credentials reached the foreign origin. */
export interface ScenarioOutcome {
  run: BoundedRun;
  leaked: number;
  hostile: HostileRegistry;
}

/**
 * Start the hostile registry a scenario needs, run its command against it
 * (with `--creds`, and the harness CA under TLS) bounded by
 * {@link HANG_LIMIT_MS}, count the credentials that leaked, and stop the
 * server. `inspect` runs while the server is still up (the scenario's own
 * check reads it).
 *
 * @example
 * ```ts
 * const { run, leaked } = await runHostileScenario(scenario, image, caFile, (o) => scenario.check(o.run, o.hostile));
 * ```
 */
export async function runHostileScenario(
  scenario: Scenario,
  image: BuiltImage,
  caFile: string,
  inspect: (outcome: ScenarioOutcome) => void = () => undefined,
): Promise<ScenarioOutcome> {
  const hostile = await startHostileRegistry({
    behaviour: scenario.behaviour,
    image,
    tls: scenario.tls,
    foreignChallenge: scenario.foreignChallenge,
  });
  try {
    const flags = [
      "--creds",
      `${hostile.username}:${hostile.password}`,
      ...(scenario.tls === true ? ["--ca-file", caFile] : []),
    ];
    const [command, ...rest] = scenario.args(hostile);
    const run = await runCliBounded([command as string, ...flags, ...rest], { limitMs: HANG_LIMIT_MS });
    const outcome = { run, leaked: hostile.foreign.authorizationCount(), hostile };
    inspect(outcome);
    return outcome;
  } finally {
    await hostile.stop();
  }
}
