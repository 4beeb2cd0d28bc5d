import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findDockerfileReferences } from "./dockerfile-references.js";

/** `kind line written -> resolved | !unpinnable [@pinTarget]` for each reference. */
function summary(text: string): string[] {
  return findDockerfileReferences(text, "Dockerfile").map((r) => {
    const outcome = r.unpinnable === undefined ? `-> ${r.resolved}` : `! ${r.unpinnable}`;
    const target = r.pinTarget === undefined ? "" : ` @${r.pinTarget.text}`;
    return `${r.kind} ${r.line} ${r.written} ${outcome}${target}`;
  });
}

const CASES: [string, string, string[]][] = [
  ["a plain FROM", "FROM alpine:3.19\n", ["from 1 alpine:3.19 -> alpine:3.19"]],
  [
    "keywords in any case",
    "FrOm alpine\ncOpY --from=busybox / /\n",
    ["from 1 alpine -> alpine", "copy-from 2 busybox -> busybox"],
  ],
  ["FROM without an image", "FROM\nFROM --platform=linux/amd64\n", []],
  ["a stage named before", "FROM a:1 AS base\nFROM base\n", ["from 1 a:1 -> a:1", "from 2 base ! stage name"]],
  [
    "a stage name through an ARG",
    "ARG S=base\nFROM a:1 AS base\nFROM ${S}\n",
    ["from 2 a:1 -> a:1", "from 3 ${S} ! stage name"],
  ],
  [
    "a FROM naming a later stage is an image",
    "FROM app\nFROM a:1 AS app\n",
    ["from 1 app -> app", "from 2 a:1 -> a:1"],
  ],
  [
    "COPY naming a later stage is a stage",
    "FROM a:1\nCOPY --from=later / /\nFROM b:1 AS later\n",
    ["from 1 a:1 -> a:1", "copy-from 2 later ! stage name", "from 3 b:1 -> b:1"],
  ],
  [
    "scratch is exact",
    "FROM scratch\nFROM SCRATCH\n",
    ["from 1 scratch ! scratch", "from 2 SCRATCH ! not a valid image reference: repository name must be lowercase"],
  ],
  [
    "several ARGs on one line, defaults built from earlier ones",
    "ARG R=ghcr.io/x A=${R}/app:1 B\nFROM $A\nFROM $B\n",
    [
      "from 2 $A ! built from ARG R inside the name: move the whole image reference into one ARG (ARG BASE=ghcr.io/x/app:1) to pin it",
      "from 3 $B ! ARG B has no default",
    ],
  ],
  [
    "a default built wholly from another ARG pins the first",
    "ARG A=alpine:3\nARG B=$A\nFROM $B\n",
    ["from 3 $B -> alpine:3 @alpine:3"],
  ],
  [
    "an escaped dollar is literal, and stitched",
    "FROM a\\$b\n",
    ['from 1 a\\$b ! not a valid image reference: path component "a$b" may only contain a-z, 0-9, ".", "_" and "-"'],
  ],
  [
    "single quotes stop substitution",
    "ARG X='$Y'\nFROM alpine:$X\n",
    [
      'from 2 alpine:$X ! not a valid image reference: tag "$Y" may only contain letters, digits, "_", "." and "-", and must not start with "." or "-"',
    ],
  ],
  [
    "pattern substitutions are not evaluated",
    "ARG V=3.19.1\nFROM alpine:${V%.*}\n",
    ["from 2 alpine:${V%.*} ! uses ${V%…}, which digestguard does not evaluate"],
  ],
  [
    "platform ARGs vary",
    "FROM --platform=$BUILDPLATFORM img-$TARGETOS\n",
    ["from 1 img-$TARGETOS ! built from TARGETOS, which the builder sets for each platform"],
  ],
  [
    "a platform ARG with a default still varies",
    "ARG TARGETARCH=amd64\nFROM ${TARGETARCH}/alpine\n",
    ["from 2 ${TARGETARCH}/alpine ! built from TARGETARCH, which the builder sets for each platform"],
  ],
  [
    "a stage ARG takes the global default",
    "ARG IMG=node:20\nFROM a\nARG IMG\nCOPY --from=$IMG / /\n",
    ["from 2 a -> a", "copy-from 4 $IMG -> node:20 @node:20"],
  ],
  [
    "a stage sees no global ARG it does not declare",
    "ARG IMG=node:20\nFROM a\nCOPY --from=$IMG / /\n",
    ["from 2 a -> a", "copy-from 3 $IMG ! variable IMG is not declared by an ARG in this stage"],
  ],
  [
    "a stage ARG ends with its stage",
    "FROM a\nARG IMG=node:20\nFROM b\nCOPY --from=$IMG / /\n",
    ["from 1 a -> a", "from 3 b -> b", "copy-from 4 $IMG ! variable IMG is not declared by an ARG in this stage"],
  ],
  [
    "several mounts, one with from",
    "FROM a\nRUN --mount=type=cache,target=/c --mount=target=/x,FROM=node:20,type=bind true\n",
    ["from 1 a -> a", "mount-from 2 node:20 -> node:20"],
  ],
  [
    "a mount from a number is an image name",
    "FROM a\nRUN --mount=from=0,target=/x true\n",
    ["from 1 a -> a", "mount-from 2 0 -> 0"],
  ],
  ["flags after -- are arguments", "FROM a\nCOPY -- --from=x:1 /\n", ["from 1 a -> a"]],
  ["an empty --from is skipped", "FROM a\nCOPY --from= / /\n", ["from 1 a -> a"]],
  ["a quoted FROM is pinned inside its quotes", "FROM 'alpine:3'\n", ["from 1 alpine:3 -> alpine:3"]],
  ["ADD has no --from", "FROM a\nADD --from=x:1 / /\n", ["from 1 a -> a"]],
  [
    "a reference built from ARGs that carries a literal digest is pinned, at its digest",
    `ARG REGISTRY=ghcr.io\nARG TAG=1\nFROM \${REGISTRY}/x:\${TAG}@sha256:${"a".repeat(64)}\n`,
    [
      `from 3 \${REGISTRY}/x:\${TAG}@sha256:${"a".repeat(64)} -> ghcr.io/x:1@sha256:${"a".repeat(64)} @@sha256:${"a".repeat(64)}`,
    ],
  ],
];

describe("findDockerfileReferences", () => {
  for (const [name, text, expected] of CASES) {
    it(name, () => assert.deepEqual(summary(text), expected));
  }

  it("reports the platform and the stage as written", () => {
    const [reference] = findDockerfileReferences(
      "FROM --platform=${BUILDPLATFORM:-linux/amd64} golang:1.22 As Build\n",
      "D",
    );
    assert.equal(reference?.platform, "${BUILDPLATFORM:-linux/amd64}");
    assert.equal(reference?.stage, "Build");
  });

  it("counts columns in UTF-16 units after non-ASCII text", () => {
    const text = "# 🚀 café\nFROM  alpine\n";
    const [reference] = findDockerfileReferences(text, "D");
    assert.deepEqual([reference?.line, reference?.column, reference?.start], [2, 7, text.indexOf("alpine")]);
  });

  it("reports the syntax frontend with its exact range", () => {
    const text = "#syntax = docker/dockerfile:1.7  \r\nFROM a\n";
    const [syntax] = findDockerfileReferences(text, "D");
    assert.deepEqual([syntax?.kind, syntax?.written, syntax?.column], ["syntax", "docker/dockerfile:1.7", 11]);
  });
});
