import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { reportInternalError } from "./run-action.js";
import { verifyExitCode } from "../verify/render-verify.js";
import type { VerifyReport } from "../image/verify-report.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent" },
  });

const usageMistakes: { name: string; args: string[] }[] = [
  { name: "an unknown flag", args: ["inspect", "--no-such-flag", "alpine"] },
  { name: "a missing argument", args: ["inspect"] },
  { name: "a --format outside its choices", args: ["check", "--format", "yaml"] },
  { name: "an unknown command", args: ["no-such-command"] },
];

for (const { name, args } of usageMistakes) {
  test(`${name} exits 2 (usage), as the help says`, () => {
    const res = run(args);
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, /error/i);
  });
}

test("--help and --version still exit 0", () => {
  assert.equal(run(["--help"]).status, 0);
  assert.equal(run(["--version"]).status, 0);
  assert.equal(run(["verify", "--help"]).status, 0);
});

test("an internal error is one line with exit 70; the stack only with DIGESTGUARD_DEBUG=1", (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, "write", (text: string) => written.push(text));
  const error = new TypeError("x is undefined");
  assert.equal(reportInternalError(error, {}), 70);
  assert.equal(reportInternalError(error, { DIGESTGUARD_DEBUG: "1" }), 70);
  t.mock.restoreAll();
  assert.match(
    written[0] ?? "",
    /^digestguard: internal error, please report it: x is undefined \(run with DIGESTGUARD_DEBUG=1 for the stack trace\)\n$/,
  );
  assert.doesNotMatch(written[0] ?? "", /at /);
  assert.match(written[1] ?? "", /TypeError: x is undefined\n\s+at /);
});

test("verify's exit code for an internal failure is 70, not the integrity code", () => {
  const report = {
    schemaVersion: 1,
    reference: "x",
    mode: "full",
    ok: false,
    problems: [],
    totals: { blobs: 1, bytes: 0, failed: 1, seconds: 0 },
    manifests: [
      {
        mediaType: "m",
        digest: "sha256:" + "0".repeat(64),
        size: 1,
        status: "failed",
        failure: { code: "INTERNAL", meaning: "unexpected failure", message: "boom" },
      },
    ],
    blobs: [],
  } as unknown as VerifyReport;
  assert.equal(verifyExitCode([report]), 70);
});
