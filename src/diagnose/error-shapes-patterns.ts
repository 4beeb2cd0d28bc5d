import type { ShapePattern } from "./error-shapes.js";

/**
 * Turn a readable template into a pattern for the joined text: a space
 * stands for "any whitespace, or none", because the parser removes line
 * breaks (a terminal may have wrapped the line anywhere, even inside a
 * digest) and a person may have re-flowed the message at any space.
 */
function loose(template: string): RegExp {
  return new RegExp(template.replaceAll(" ", "\\s*"), "gid");
}

const digest = (name: string): string => `(?<${name}>sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})`;
// go-containerregistry quotes a bare hex "got" in older versions, "sha256:hex" in newer ones.
const hexOrDigest = (name: string): string => `(?<${name}>(?:sha256:)?[a-f0-9]{64}|(?:sha512:)?[a-f0-9]{128})`;
// Wrappers containerd and gRPC put between the ingest ref and the reason, in any order.
const WRAPPERS = "(?:(?:rpc error: code = \\w+ desc = |commit failed: ))*";
const INGEST_REF = `(?:failed commit on ref "(?<ref>[^"]{1,300})" : )?${WRAPPERS}`;
// Bounded, so a long token cannot make a reference match backtrack for seconds.
const REFERENCE =
  "(?<![\\w.:/@-])(?<reference>[a-z0-9][\\w.-]{0,254}(?::\\d{1,5})?/[\\w./-]{1,255}(?::\\w[\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)";

/**
 * Every wording recognised, most specific first within a shape so that a
 * generic wording overlapping a specific one is dropped. Sources: the
 * texts recorded in test/fixtures/error-texts and the tools' sources
 * (containerd content/local and metadata writers, moby's pull_v2,
 * containers/image's digest checks, go-containerregistry's verify reader).
 */
export const SHAPE_PATTERNS: readonly ShapePattern[] = [
  {
    shape: "commit-digest-mismatch",
    tool: "containerd",
    pattern: loose(
      `${INGEST_REF}unexpected commit digest ${digest("actual")} , expected ${digest("expected")}(?: : failed precondition)?`,
    ),
  },
  {
    shape: "commit-size-mismatch",
    tool: "containerd",
    pattern: loose(`${INGEST_REF}unexpected commit size (?<actualSize>\\d+) , expected (?<expectedSize>\\d+)`),
  },
  // containerd's metadata store checks the size before the content store does, and says it its own way.
  {
    shape: "commit-size-mismatch",
    tool: "containerd",
    pattern: loose(
      `${INGEST_REF}(?:"[^"]{1,300}" )?failed size validation : (?<actualSize>\\d+) != (?<expectedSize>\\d+)`,
    ),
  },
  {
    shape: "commit-size-mismatch",
    tool: "crane",
    pattern: loose("error verifying size ; got (?<actualSize>\\d+) , want (?<expectedSize>\\d+)"),
  },
  {
    shape: "commit-size-mismatch",
    tool: "containers-image",
    pattern: loose(
      `Size mismatch when copying ${digest("expected")} , expected (?<expectedSize>\\d+) , got (?<actualSize>\\d+)`,
    ),
  },
  {
    shape: "layer-verification-failed",
    tool: "dockerd",
    pattern: loose(`(?<kind>filesystem layer|image config) verification failed for digest ${digest("expected")}`),
  },
  // Users shorten or mask the digest ("sha256:bbf......"); the shape is still clear.
  {
    shape: "layer-verification-failed",
    tool: "dockerd",
    pattern: loose("(?<kind>filesystem layer|image config) verification failed for digest"),
  },
  {
    shape: "digest-did-not-match",
    tool: "containers-image",
    pattern: loose(`Digest did not match , expected ${digest("expected")} , got ${digest("actual")}`),
  },
  {
    shape: "digest-did-not-match",
    tool: "containers-image",
    pattern: loose(
      `(?:(?<kind>config)\\.json )?digest ${digest("actual")} does not match expected ${digest("expected")}`,
    ),
  },
  {
    shape: "digest-did-not-match",
    tool: "containers-image",
    pattern: loose("Digest of source image's (?<kind>manifest) would not match destination reference"),
  },
  {
    shape: "digest-did-not-match",
    tool: "crane",
    pattern: loose(
      `error verifying (?:sha256|sha512) checksum after reading (?<actualSize>\\d+) bytes ; got "${hexOrDigest("actual")}" , want "${digest("expected")}"`,
    ),
  },
  {
    shape: "diff-id-mismatch",
    tool: "containerd",
    pattern: loose(`wrong diff id calculated on extraction "${digest("calculated")}"`),
  },
  {
    shape: "diff-id-mismatch",
    pattern: loose(`invalid diffID for layer \\d+ : expected "${digest("expected")}" , got "${digest("actual")}"`),
  },
  {
    shape: "diff-id-mismatch",
    tool: "dockerd",
    pattern: loose("(?<kind>layers) from manifest don't match image configuration"),
  },
  {
    shape: "diff-id-mismatch",
    tool: "containerd",
    pattern: loose("mismatched image rootfs and manifest (?<kind>layers)"),
  },
  { shape: "diff-id-mismatch", pattern: loose("(?:diff[ _-]?id|uncompressed digest) (?:mismatch|does not match)") },
  { shape: "disk-full", pattern: loose("no space left on device") },
  { shape: "layer-register-failed", tool: "dockerd", pattern: loose("failed to register (?<kind>layer)") },
  {
    shape: "unexpected-eof",
    pattern: loose("short read : expected (?<expectedSize>\\d+) bytes but got (?<actualSize>\\d+)"),
  },
  { shape: "unexpected-eof", pattern: loose("(?:failed to read expected number of bytes : )?unexpected EOF") },
  {
    shape: "unexpected-eof",
    pattern: loose("short read|connection reset(?: by peer)?|http2 : stream closed|INTERNAL_ERROR"),
  },
  // A bare EOF closes the message: Go's io.EOF from a body that ended before any byte.
  { shape: "unexpected-eof", pattern: loose(": EOF(?![A-Za-z])") },
  {
    shape: "blob-unknown",
    tool: "containerd",
    pattern: loose(
      `could not fetch content descriptor ${digest("expected")} \\( (?<media>[\\w.+/-]+) \\) from remote : not found`,
    ),
  },
  {
    shape: "blob-unknown",
    tool: "containers-image",
    pattern: loose(`reading blob ${digest("expected")} : Error fetching blob : invalid status code from registry 404`),
  },
  { shape: "blob-unknown", tool: "containerd", pattern: loose(`content digest ${digest("expected")} : not found`) },
  {
    shape: "blob-unknown",
    tool: "containerd",
    pattern: loose(`content at [^\\s"]{1,2000}?/${digest("expected")}[^\\s"]{0,500} not found`),
  },
  // The registry's own log: the code and the digest it could not find.
  { shape: "blob-unknown", pattern: loose(`err\\.code="?blob unknown"? err\\.detail="?${digest("expected")}`) },
  { shape: "blob-unknown", pattern: loose(`unknown blob ${digest("expected")}`) },
  {
    shape: "blob-unknown",
    pattern: loose(`(?:${digest("expected")} : )?(?:blob unknown(?: to registry)?|unknown blob|BLOB_UNKNOWN)`),
  },
  {
    shape: "manifest-unknown",
    tool: "containerd",
    pattern: loose(`failed to resolve reference "(?<reference>[^"]{1,300})" : [^"]{0,300}?not found`),
  },
  {
    shape: "manifest-unknown",
    tool: "dockerd",
    pattern: loose("(?<kind>manifest) for (?<reference>[^\\s:]{1,255}(?::\\d{1,5})?/?[^\\s]{0,255}) not found"),
  },
  { shape: "manifest-unknown", pattern: loose(`${REFERENCE} : not found`) },
  { shape: "manifest-unknown", pattern: loose("(?<kind>manifest) unknown|MANIFEST_UNKNOWN|name unknown|NAME_UNKNOWN") },
  {
    shape: "unexpected-media-type",
    tool: "containerd",
    pattern: loose(`unexpected media type [\\w.+/-]{1,255} for ${digest("expected")}`),
  },
  {
    shape: "registry-error",
    pattern: loose(
      "(?:50[0234]|400) (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Bad Request)|50[0234] \\( Internal Server Error \\)",
    ),
  },
  { shape: "toomanyrequests", pattern: loose("toomanyrequests|429 Too Many Requests|pull rate limit") },
  {
    shape: "unauthorized",
    pattern: loose(
      "\\bunauthorized\\b|no basic auth credentials|pull access denied|requested access to the resource is denied|authentication required|insufficient_scope|\\bDENIED\\b|AuthFailed|403 Forbidden",
    ),
  },
  {
    shape: "network",
    pattern: loose(
      "TLS handshake timeout|i/o timeout|connection refused|no such host|x509 : certificate|context canceled|context deadline exceeded|network is unreachable|Client\\.Timeout exceeded",
    ),
  },
];
