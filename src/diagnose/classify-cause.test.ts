import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Digest } from "../oci/digest.js";
import { classifyCause } from "./classify-cause.js";
import type { SourceEvidence } from "./gather-evidence.js";
import type { DigestLocation } from "./locate-digest.js";
import { parseErrorText } from "./parse-error-text.js";

const A = `sha256:${"a1".repeat(32)}` as Digest;
const E = `sha256:${"e9".repeat(32)}` as Digest;
const layer: DigestLocation = {
  reference: "example.com/app:1",
  role: "layer",
  layerIndex: 0,
  descriptor: { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: E, size: 10 },
  viaDiffId: false,
  matchedDigest: E,
  foundIn: "registry",
};

describe("classifyCause tells only what it checked", () => {
  it("never says a diff_id failure verifies now when nothing was located or re-fetched", () => {
    const verdict = classifyCause(
      parseErrorText("docker: layers from manifest don't match image configuration."),
      undefined,
      [],
    );
    assert.equal(verdict.cause, "undetermined");
    assert.equal(verdict.undetermined, "no-digest");
    assert.doesNotMatch(verdict.explanation, /verif(y|ies) now/);
  });

  it("keeps the reasons apart: unreachable registry, digest not found", () => {
    const text = `filesystem layer verification failed for digest ${E}`;
    const unreachable: SourceEvidence = { source: "example.com", kind: "registry", outcome: "unreachable" };
    assert.equal(classifyCause(parseErrorText(text), layer, [unreachable]).undetermined, "registry-unreachable");
    assert.equal(
      classifyCause(parseErrorText(text), undefined, [], { allLookupsUnreachable: true }).undetermined,
      "registry-unreachable",
    );
    assert.equal(classifyCause(parseErrorText(text), undefined, []).undetermined, "digest-not-found");
  });

  it("calls a TLS timeout and a full disk what they are, with no pin advice", () => {
    for (const text of [
      "Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout",
      "write /var/lib/docker/tmp/GetImageBlob1: no space left on device",
    ]) {
      const verdict = classifyCause(parseErrorText(text), undefined, []);
      assert.equal(verdict.integrity, false);
      assert.match(verdict.explanation, /^Not a content-integrity error/);
      assert.ok(!verdict.nextSteps.some((s) => /pin/i.test(s)), verdict.nextSteps.join(" | "));
    }
  });

  it("advises containerd's own commands to a kubelet user, never docker builder prune", () => {
    const text = `Failed to pull image "example.com/app:1": rpc error: code = FailedPrecondition desc = failed to pull and unpack image "example.com/app:1": failed commit on ref "layer-${E}": unexpected commit digest ${A}, expected ${E}: failed precondition`;
    const verdict = classifyCause(parseErrorText(text), layer, [
      { source: "example.com", kind: "registry", outcome: "ok" },
    ]);
    assert.equal(verdict.cause, "transient-transfer-corruption");
    const steps = verdict.nextSteps.join("\n");
    assert.match(steps, /ctr -n k8s\.io content rm sha256:e9/);
    assert.doesNotMatch(steps, /docker builder prune/);
  });

  it("tells podman users about registries.conf mirrors, not digestguard's --mirror", () => {
    const verdict = classifyCause(
      parseErrorText(
        "Trying to pull docker.io/library/x:1...\nError: initializing source docker://x:1: reading manifest 1 in docker.io/library/x: toomanyrequests: rate limit",
      ),
      undefined,
      [],
    );
    assert.match(verdict.nextSteps.join("\n"), /registries\.conf/);
    assert.doesNotMatch(verdict.nextSteps.join("\n"), /--mirror/);
  });

  it("does not blame a manifest size mismatch on a moved tag", () => {
    const text = `failed commit on ref "manifest-${E}": unexpected commit size 10, expected 12: failed precondition`;
    const manifest: DigestLocation = { ...layer, role: "manifest", layerIndex: undefined };
    assert.notEqual(
      classifyCause(parseErrorText(text), manifest, [{ source: "r", kind: "registry", outcome: "ok" }]).cause,
      "tag-moved",
    );
  });

  it("names a local engine's corrupt copy as its own source, with its remedy", () => {
    const engine: SourceEvidence = {
      source: "containerd (/tmp/root)",
      kind: "engine",
      outcome: "mismatch",
      remedy: "remove it with `ctr -n t content rm sha256:e9…`",
    };
    const verdict = classifyCause(parseErrorText(`unexpected commit digest ${A}, expected ${E}`), layer, [
      { source: "r", kind: "registry", outcome: "ok" },
      engine,
    ]);
    assert.equal(verdict.cause, "engine-holds-bad-copy");
    assert.match(verdict.explanation, /your local containerd \(\/tmp\/root\) holds a corrupt copy of layer 0/i);
    assert.ok(verdict.nextSteps.includes(engine.remedy as string));
  });
});
