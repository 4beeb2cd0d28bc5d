import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import type { Platform } from "./descriptor.js";
import {
  formatPlatform,
  isAttestationPlatform,
  normalizePlatform,
  parsePlatform,
  platformMatches,
} from "./platform.js";

function platform(os: string, architecture: string, variant?: string, osVersion?: string): Platform {
  const p: Platform = { os, architecture };
  if (variant !== undefined) p.variant = variant;
  if (osVersion !== undefined) p["os.version"] = osVersion;
  return p;
}

// [input, parsed, formatted back]
const PARSED: [string, Platform, string][] = [
  ["linux/amd64", platform("linux", "amd64"), "linux/amd64"],
  ["linux/arm64/v8", platform("linux", "arm64", "v8"), "linux/arm64/v8"],
  ["linux/arm/v7", platform("linux", "arm", "v7"), "linux/arm/v7"],
  ["linux/arm/v6", platform("linux", "arm", "v6"), "linux/arm/v6"],
  [
    "windows/amd64:10.0.17763.1234",
    platform("windows", "amd64", undefined, "10.0.17763.1234"),
    "windows/amd64:10.0.17763.1234",
  ],
  [
    "windows/arm64/v8:10.0.26100.1",
    platform("windows", "arm64", "v8", "10.0.26100.1"),
    "windows/arm64/v8:10.0.26100.1",
  ],
  ["LINUX/AMD64", platform("linux", "amd64"), "linux/amd64"],
  ["Linux/ARM64/V8", platform("linux", "arm64", "v8"), "linux/arm64/v8"],
  ["linux/x86_64", platform("linux", "x86_64"), "linux/x86_64"],
  ["linux/x86-64", platform("linux", "x86-64"), "linux/x86-64"],
  ["darwin/arm64", platform("darwin", "arm64"), "darwin/arm64"],
  ["unknown/unknown", platform("unknown", "unknown"), "unknown/unknown"],
  ["linux/ppc64le", platform("linux", "ppc64le"), "linux/ppc64le"],
  ["linux/s390x", platform("linux", "s390x"), "linux/s390x"],
  ["linux/riscv64", platform("linux", "riscv64"), "linux/riscv64"],
  ["linux/386", platform("linux", "386"), "linux/386"],
  ["linux/mips64le", platform("linux", "mips64le"), "linux/mips64le"],
  ["freebsd/amd64", platform("freebsd", "amd64"), "freebsd/amd64"],
];

for (const [input, want, formatted] of PARSED) {
  test(`parsePlatform accepts ${JSON.stringify(input)}`, () => {
    const parsed = parsePlatform(input);
    assert.deepEqual(parsed, want);
    assert.equal(formatPlatform(parsed), formatted);
    assert.deepEqual(parsePlatform(formatted), want);
  });
}

// [input, fragment of the reason]
const INVALID: [string, string][] = [
  ["", "expected os/architecture"],
  ["linux", "expected os/architecture"],
  ["amd64", "expected os/architecture"],
  ["linux/amd64/v8/x", "expected os/architecture"],
  ["linux/", "empty part"],
  ["/amd64", "empty part"],
  ["linux//v7", "empty part"],
  ["linux/amd64:", 'os.version "" must be non-empty'],
  ["windows/amd64:10.0:1", 'os.version "10.0:1"'],
  [":10.0", "expected os/architecture"],
  ["linux amd64/x", '"linux amd64" may only contain'],
  ["linux/am$d64", '"am$d64" may only contain'],
  [" linux/amd64", "leading or trailing whitespace"],
  ["linux/amd64\n", "leading or trailing whitespace"],
];

for (const [input, fragment] of INVALID) {
  test(`parsePlatform refuses ${JSON.stringify(input)}`, () => {
    assert.throws(
      () => parsePlatform(input),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError);
        assert.equal(error.code, "PLATFORM_INVALID");
        assert.ok(error.message.startsWith(`Cannot parse platform ${JSON.stringify(input)}: `), error.message);
        assert.ok(error.message.includes(fragment), `${error.message} should include ${fragment}`);
        return true;
      },
    );
  });
}

// [given, normalized]
const NORMALIZED: [Platform, Platform][] = [
  [platform("linux", "amd64"), platform("linux", "amd64")],
  [platform("linux", "x86_64"), platform("linux", "amd64")],
  [platform("linux", "x86-64"), platform("linux", "amd64")],
  [platform("linux", "amd64", "v1"), platform("linux", "amd64")],
  [platform("linux", "amd64", "v3"), platform("linux", "amd64", "v3")],
  [platform("linux", "amd64", "2"), platform("linux", "amd64", "v2")],
  [platform("linux", "aarch64"), platform("linux", "arm64", "v8")],
  [platform("linux", "arm64"), platform("linux", "arm64", "v8")],
  [platform("linux", "arm64", "8"), platform("linux", "arm64", "v8")],
  [platform("linux", "arm64", "v8.0"), platform("linux", "arm64", "v8")],
  [platform("linux", "arm64", "v8"), platform("linux", "arm64", "v8")],
  [platform("linux", "arm64", "9"), platform("linux", "arm64", "v9")],
  [platform("linux", "arm64", "v9.0"), platform("linux", "arm64", "v9")],
  [platform("linux", "arm64", ""), platform("linux", "arm64", "v8")],
  [platform("linux", "armhf"), platform("linux", "arm", "v7")],
  [platform("linux", "armel"), platform("linux", "arm", "v6")],
  [platform("linux", "arm"), platform("linux", "arm", "v7")],
  [platform("linux", "arm", "7"), platform("linux", "arm", "v7")],
  [platform("linux", "arm", "6"), platform("linux", "arm", "v6")],
  [platform("linux", "arm", "v5"), platform("linux", "arm", "v5")],
  [platform("linux", "i386"), platform("linux", "386")],
  [platform("linux", "386"), platform("linux", "386")],
  [platform("Linux", "AMD64"), platform("linux", "amd64")],
  [platform("macos", "arm64"), platform("darwin", "arm64", "v8")],
  [platform("linux", "ppc64le"), platform("linux", "ppc64le")],
  [
    platform("windows", "amd64", undefined, "10.0.17763.1234"),
    platform("windows", "amd64", undefined, "10.0.17763.1234"),
  ],
  [
    { os: "windows", architecture: "x86_64", "os.features": ["win32k"], features: ["sse4"] },
    { os: "windows", architecture: "amd64", "os.features": ["win32k"], features: ["sse4"] },
  ],
];

for (const [given, want] of NORMALIZED) {
  test(`normalizePlatform(${JSON.stringify(given)})`, () => {
    const before = structuredClone(given);
    assert.deepEqual(normalizePlatform(given), want);
    assert.deepEqual(given, before, "the input is not modified");
    assert.deepEqual(normalizePlatform(want), want, "normalizing is idempotent");
  });
}

// [wanted, candidate, matches]
const MATCHES: [string, string, boolean][] = [
  ["linux/amd64", "linux/amd64", true],
  ["linux/amd64", "linux/x86_64", true],
  ["linux/x86_64", "linux/amd64", true],
  ["linux/amd64", "linux/amd64/v1", true],
  ["linux/amd64", "linux/amd64/v3", false],
  ["linux/amd64/v3", "linux/amd64", false],
  ["linux/arm64", "linux/arm64/v8", true],
  ["linux/arm64/v8", "linux/arm64", true],
  ["linux/arm64", "linux/aarch64", true],
  ["linux/arm64/v9", "linux/arm64/v8", false],
  ["linux/arm", "linux/arm/v7", true],
  ["linux/arm", "linux/arm/v6", false],
  ["linux/arm/v6", "linux/armel", true],
  ["linux/arm/v7", "linux/armhf", true],
  ["linux/arm/v7", "linux/arm", true],
  ["linux/amd64", "linux/arm64", false],
  ["linux/amd64", "windows/amd64", false],
  ["linux/386", "linux/i386", true],
  ["LINUX/AMD64", "linux/amd64", true],
  ["linux/amd64", "unknown/unknown", false],
  ["windows/amd64", "windows/amd64:10.0.17763.1234", true],
  ["windows/amd64:10.0.17763.1234", "windows/amd64:10.0.17763.1234", true],
  ["windows/amd64:10.0.17763", "windows/amd64:10.0.17763.1234", true],
  ["windows/amd64:10.0.1776", "windows/amd64:10.0.17763.1234", false],
  ["windows/amd64:10.0.17763.1234", "windows/amd64:10.0.20348.1", false],
  ["windows/amd64:10.0.17763.1234", "windows/amd64:10.0.17763", false],
  ["windows/amd64:10.0.17763", "windows/amd64", false],
];

for (const [wanted, candidate, expected] of MATCHES) {
  test(`platformMatches(${wanted}, ${candidate}) is ${expected}`, () => {
    assert.equal(platformMatches(parsePlatform(wanted), parsePlatform(candidate)), expected);
  });
}

test("platformMatches ignores an empty os.version on the wanted side", () => {
  const wanted: Platform = { os: "windows", architecture: "amd64", "os.version": "" };
  assert.equal(platformMatches(wanted, parsePlatform("windows/amd64:10.0.17763.1")), true);
});

const ATTESTATION: [Platform | undefined, boolean][] = [
  [platform("unknown", "unknown"), true],
  [platform("linux", "amd64"), false],
  [platform("unknown", "amd64"), false],
  [platform("linux", "unknown"), false],
  [undefined, false],
];

for (const [p, expected] of ATTESTATION) {
  test(`isAttestationPlatform(${JSON.stringify(p)}) is ${expected}`, () => {
    assert.equal(isAttestationPlatform(p), expected);
  });
}

test("formatPlatform leaves out an empty variant and os.version", () => {
  assert.equal(formatPlatform({ os: "linux", architecture: "amd64", variant: "", "os.version": "" }), "linux/amd64");
});
