import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EMPTY_SHA256 } from "../oci/digest.js";
import { parseErrorText } from "./parse-error-text.js";

const A = `sha256:${"a1".repeat(32)}`;
const E = `sha256:${"e9".repeat(32)}`;
const COMMIT = `failed commit on ref "layer-${E}": unexpected commit digest ${A}, expected ${E}: failed precondition`;

/** Split `text` into lines of `width` characters, as a terminal without soft-wrap copy would. */
function hardWrap(text: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join("\n");
}

describe("parseErrorText edge cases", () => {
  it("reads the containerd commit error: actual first, expected second, kind from the ref", () => {
    const parsed = parseErrorText(COMMIT);
    assert.equal(parsed.shape, "commit-digest-mismatch");
    assert.equal(parsed.actual, A);
    assert.equal(parsed.expected, E);
    assert.equal(parsed.refKind, "layer");
    assert.equal(parsed.actualIsEmpty, false);
    assert.equal(parsed.tool, "containerd");
    assert.equal(parsed.matchedLine, COMMIT);
  });

  for (const width of [80, 97, 120, 133]) {
    it(`joins a line a ${width}-column terminal wrapped, even inside a digest`, () => {
      const parsed = parseErrorText(hardWrap(`#9 ERROR: ${COMMIT}`, width));
      assert.equal(parsed.expected, E);
      assert.equal(parsed.actual, A);
      assert.equal(parsed.matchedLine, `#9 ERROR: ${COMMIT}`);
    });
  }

  it("strips ANSI colours, also ones whose escape byte was lost", () => {
    const parsed = parseErrorText(
      `\x1b[31mERROR\x1b[0m: failed to solve: [1m${COMMIT.replace(A, `\x1b[33m${A}\x1b[0m`)}[0m`,
    );
    assert.equal(parsed.actual, A);
    assert.equal(parsed.tool, "buildkit");
    assert.ok(!parsed.matchedLine.includes("\x1b") && !parsed.matchedLine.includes("[0m"));
  });

  it("handles Windows line ends and progress carriage returns", () => {
    const parsed = parseErrorText(
      `Copying blob ${E}\r 10%\r 100%\r\nError: reading blob ${E}: Digest did not match, expected ${E}, got ${EMPTY_SHA256}\r\n`,
    );
    assert.equal(parsed.shape, "digest-did-not-match");
    assert.equal(parsed.actualIsEmpty, true);
    assert.equal(parsed.refKind, "layer");
    assert.equal(parsed.tool, "containers-image");
  });

  it("undoes JSON string escapes, even nested ones", () => {
    const once = JSON.stringify({ level: "error", msg: COMMIT });
    const twice = JSON.stringify({ log: `${once}\n` });
    for (const text of [once, twice]) {
      const parsed = parseErrorText(text);
      assert.equal(parsed.shape, "commit-digest-mismatch");
      assert.equal(parsed.expected, E);
      assert.equal(parsed.refKind, "layer");
    }
  });

  it("sees through gRPC and commit-failed wrappers", () => {
    const parsed = parseErrorText(
      `failed commit on ref "config-${E}": rpc error: code = FailedPrecondition desc = commit failed: unexpected commit digest ${A}, expected ${E}`,
    );
    assert.equal(parsed.shape, "commit-digest-mismatch");
    assert.equal(parsed.refKind, "config");
  });

  it("reads a size mismatch and takes the expected digest from the ref", () => {
    const parsed = parseErrorText(
      `failed commit on ref "layer-${E}": "layer-${E}" failed size validation: 10 != 12: failed precondition`,
    );
    assert.deepEqual(
      [parsed.shape, parsed.expected, parsed.actualSize, parsed.expectedSize],
      ["commit-size-mismatch", E, 10, 12],
    );
  });

  it("lists several errors in text order and puts the most telling first", () => {
    const text = [
      'time=x level=warning msg="retrying" error="unexpected EOF"',
      `time=y level=fatal msg="writing blob: Digest did not match, expected ${E}, got ${A}"`,
      `time=z level=fatal msg="reading blob ${A}: Digest did not match, expected ${A}, got ${EMPTY_SHA256}"`,
    ].join("\n");
    const parsed = parseErrorText(text);
    assert.deepEqual(
      parsed.allMatches.map((m) => m.shape),
      ["unexpected-eof", "digest-did-not-match", "digest-did-not-match"],
    );
    assert.equal(parsed.shape, "digest-did-not-match");
    assert.equal(parsed.expected, E);
    assert.equal(parsed.allMatches[2]?.actualIsEmpty, true);
  });

  it("counts an error BuildKit repeats in its summary once", () => {
    const parsed = parseErrorText(
      `#5 ERROR: ${COMMIT}\n------\n > [1/2] FROM example.com/app:1:\n------\nERROR: failed to solve: ${COMMIT}`,
    );
    assert.equal(parsed.allMatches.length, 1);
    assert.equal(parsed.imageReference, "example.com/app:1");
  });

  it("takes the image of the failing BuildKit step, not of another stage", () => {
    const text = [
      "#3 [stage-1 1/2] FROM registry.example.com/ok:1@" + A,
      "#3 DONE 0.1s",
      "#4 [build 1/3] FROM --platform=linux/amd64 registry.example.com/broken:2",
      `#4 ERROR: ${COMMIT}`,
    ].join("\n");
    assert.equal(parseErrorText(text).imageReference, "registry.example.com/broken:2");
  });

  it("drops CI log timestamps before reading BuildKit steps", () => {
    const stamp = (line: string): string => `2024-03-05T10:11:12.1234567Z ${line}`;
    const text = [stamp("#5 [1/2] FROM example.com/app:1@" + E), stamp(`#5 ERROR: ${COMMIT}`)].join("\n");
    const parsed = parseErrorText(text);
    assert.equal(parsed.imageReference, `example.com/app:1@${E}`);
    assert.equal(parsed.matchedLine, `#5 ERROR: ${COMMIT}`);
  });

  it("reads sha512 digests and refuses malformed ones", () => {
    const e512 = `sha512:${"ab".repeat(64)}`;
    assert.equal(parseErrorText(`filesystem layer verification failed for digest ${e512}`).expected, e512);
    const upper = parseErrorText(`filesystem layer verification failed for digest sha256:${"AB".repeat(32)}`);
    assert.equal(upper.expected, undefined);
  });

  it("says unknown, with the last failing line, for text it does not know", () => {
    const parsed = parseErrorText("Step 1/2 : FROM x\nsomething odd happened\nERROR: exec format error\ndone\n");
    assert.equal(parsed.shape, "unknown");
    assert.equal(parsed.matchedLine, "ERROR: exec format error");
    assert.deepEqual(parsed.allMatches, []);
    assert.deepEqual(parseErrorText("").matchedLine, "");
  });

  it("recognises registry statuses", () => {
    assert.equal(
      parseErrorText("Error response from daemon: toomanyrequests: You have reached your pull rate limit.").shape,
      "toomanyrequests",
    );
    assert.equal(parseErrorText("denied: requested access to the resource is denied").shape, "unauthorized");
    assert.equal(
      parseErrorText(
        "failed to copy: httpReadSeeker: failed open: unexpected status code https://r.example/v2/a/blobs/" +
          E +
          ": 404 Not Found - Server message: blob unknown: blob unknown to registry",
      ).shape,
      "blob-unknown",
    );
    assert.equal(
      parseErrorText(
        "Error response from daemon: manifest for example.com/app:9 not found: manifest unknown: manifest unknown",
      ).imageReference,
      "example.com/app:9",
    );
  });
});

describe("parseErrorText on long logs", () => {
  const RETRY = 'time="2024-03-05T10:11:12.%sZ" level=error msg="Download failed, retrying: unexpected EOF"';

  it("reads 8,000 repeated retry lines (about 1 MB) as one error, without slowing down per line", () => {
    const lines = Array.from({ length: 8000 }, (_, i) => RETRY.replace("%s", String(i).padStart(6, "0")));
    const started = Date.now();
    const parsed = parseErrorText(`${lines.join("\n")}\nfilesystem layer verification failed for digest ${E}\n`);
    // A hang guard, not a speed target: the quadratic parser took over a minute here.
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(parsed.shape, "layer-verification-failed");
    assert.equal(parsed.allMatches.filter((m) => m.shape === "unexpected-eof").length, 1);
  });

  it("does not backtrack on a huge token after `manifest for `", () => {
    const started = Date.now();
    const parsed = parseErrorText(`Error response from daemon: manifest for ${"a".repeat(80_000)}`);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(parsed.expected, undefined);
  });
});
